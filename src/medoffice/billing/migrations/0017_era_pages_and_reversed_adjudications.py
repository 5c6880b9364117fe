"""A line adjudication can be taken back (the payer reversed the posting that stored it);
a coverage proposal keeps why it was dismissed; one posting rule per key (payer or all
payers, group, CARC, RARC, CLP02): duplicates already there are merged first, the rule
written first kept."""

from django.db import migrations, models


def merge_duplicate_rules(apps, schema_editor):
    PostingRule = apps.get_model("billing", "PostingRule")
    rules = PostingRule._base_manager.using(schema_editor.connection.alias)
    seen = set()
    duplicates = []
    rows = rules.order_by("pk")
    for pk, *key in rows.values_list(
        "pk", "payer_id", "group_code", "reason_code", "remark_code", "claim_status"
    ):
        if tuple(key) in seen:
            duplicates.append(pk)
        seen.add(tuple(key))
    if duplicates:
        rules.filter(pk__in=duplicates).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('billing', '0016_cms1500_boxes_20_24'),
        ('core', '0002_audit_append_only'),
    ]

    operations = [
        migrations.AddField(
            model_name='coverageupdateproposal',
            name='dismiss_reason',
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name='lineadjudication',
            name='reversed_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='lineadjudication',
            name='reversed_by_source',
            field=models.CharField(blank=True, help_text="What took it back, e.g. the reversal's claim payment.", max_length=40),
        ),
        migrations.AddIndex(
            model_name='coverageupdateproposal',
            index=models.Index(fields=['status', 'id'], name='coverage_proposal_status'),
        ),
        migrations.RunPython(merge_duplicate_rules, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='postingrule',
            constraint=models.UniqueConstraint(condition=models.Q(('payer__isnull', False)), fields=('payer', 'group_code', 'reason_code', 'remark_code', 'claim_status'), name='posting_rule_once_per_payer'),
        ),
        migrations.AddConstraint(
            model_name='postingrule',
            constraint=models.UniqueConstraint(condition=models.Q(('payer__isnull', True)), fields=('group_code', 'reason_code', 'remark_code', 'claim_status'), name='posting_rule_once_for_all'),
        ),
    ]

"""``__in`` on integer columns leaves out values the column cannot hold.

Django's own ``exact``, ``lt``, ``gt``… lookups on an integer column already turn a value
beyond the database's range into "nothing matches" (``IntegerFieldOverflow``), but
``in`` does not: ``Provider.objects.filter(pk__in=[2**63])`` raised OverflowError on
SQLite and a DataError on PostgreSQL, a 500 for ``?providers=9223372036854775808``
on any page whose filter form has a multiple choice of rows. Registered on
``IntegerField`` (so on every id and foreign key column) when core is ready.
"""

from __future__ import annotations

from typing import Any

from django.db.models import IntegerField
from django.db.models.lookups import In


class IntegerFieldIn(In):
    def process_rhs(self, compiler: Any, connection: Any) -> Any:
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(
                self.lhs.output_field.get_internal_type()
            )
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)


def register() -> None:
    IntegerField.register_lookup(IntegerFieldIn)

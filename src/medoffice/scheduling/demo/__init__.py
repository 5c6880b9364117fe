"""The demo practice's appointment book: providers, the book's set-up, a year of visits,
the waitlist and recalls (the patients are built by ``patients/demo.py``, the copays
taken at check-in by ``billing/demo.py``).

Riverside Family Medicine gets 8 providers at its 3 locations, about 5,000 patients with
their coverage, consents and alerts, 12 months of past and 2 months of future appointments
(about 7 % no-shows, 5 % cancellations, realistic arrivals and waits), the waitlist,
recalls, reminder rules and message templates.

Rows are written with ``bulk_create`` in batches, one transaction per builder, without
calling the services one row at a time; the builders therefore keep by hand every
invariant the services keep: folded name columns, E.164 phones, unique MRNs (continuing
``next_mrn``) and receipt numbers (continuing ``next_receipt_number``), a ``SlotClaim`` for
every 5-minute granule of every appointment that holds its time (not cancelled, not a
no-show, not overbooked), a ``StatusChange`` for every status the visit went through,
appointments inside their provider's template blocks, never on a closure, a meeting, time
off or a public holiday, and no two visits of one provider (or one procedure room, or one
ECG machine) at the same time.

**Which "today".** The demo's today is the practice's local date when the builder runs,
so the flow board, the day view and the upcoming weeks always have visits. The data is a
function of the seed and that date: the same seed on the same date builds the same rows.
The random draws do not depend on the clock time; only today's visits read it, to show
each visit in the status it would have reached by the build's "now" (the visits of the
morning done, some patients in the waiting room, the afternoon still to come).

**Running it again** adds nothing: each builder first checks cheaply whether its rows
exist and returns at once if they do. A demo built on an earlier day keeps that day's
"today"; delete the database (or run ``medoffice flush``) to rebuild it around a new one.

Sizes: ``FrontOfficeSize`` (the default is the full demo); tests pass a small one through
the builder context under the key ``"front_office_size"`` (or the setting
``DEMO_FRONT_OFFICE_SIZE``), and may fix "now" under ``"front_office_now"``.

Known simplifications: ``SlotClaim`` rows are kept for "left without being seen" visits,
as ``change_status`` keeps them; the demo's exam rooms are assigned when a patient is
roomed (no appointment type requires an exam room at booking).
"""

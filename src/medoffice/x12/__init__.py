"""X12 5010 for a medical practice, as a pure library (no Django, no app imports).

``claims`` holds the plain claim every part of billing shares: the 837P writer, the
CMS-1500 crosswalk and the claim scrubber all read the same ``Claim``. ``reader`` streams
segments and checks envelopes; ``writer`` holds the writing primitives; ``crosswalk`` is
the CMS-1500 ↔ 837P table; ``p837`` writes the 837P; ``ack999``, ``ca277`` and
``eligibility`` read the 999/TA1, the 277CA and the 271 and write the 270; ``r835`` streams
an 835 remittance into typed, balanced claims (the types in ``remittance``) and ``w835``
writes one. Every problem is an ``errors.X12Error``.
"""

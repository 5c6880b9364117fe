"""X12 5010 for a medical practice, as a pure library (no Django, no app imports).

``claims`` holds the plain claim every part of billing shares: the 837P writer, the
CMS-1500 crosswalk and the claim scrubber all read the same ``Claim``.
"""

"""Gunicorn settings for MedOffice (``gunicorn -c python:medoffice.gunicorn_conf``).

Gunicorn names itself and its version in a ``Server`` header on every response and has
no setting to stop it; telling a scanner which server and version answers helps only
the scanner. Responses say ``Server: MedOffice`` instead.
"""

from __future__ import annotations

from gunicorn.http import wsgi

SERVER_NAME = "MedOffice"

wsgi.SERVER = SERVER_NAME  # read by each response as it is made


def post_worker_init(worker: object) -> None:
    """Make the receipt PDF's renderer and the ICD-10-CM search index as the worker starts,
    in the background (the worker answers meanwhile; a receipt or a diagnosis search asked
    for during the warm-up waits for it). What the worker loaded to start (Django, the apps,
    the URL and template machinery) is moved out of the garbage collector's sight: it lives
    as long as the worker, and scanning it in full collections only pauses requests."""
    import gc
    import threading

    gc.collect()
    gc.freeze()

    from medoffice.billing import icd10, receipts

    def warm_up() -> None:
        receipts.warm_up()
        icd10.warm_up()

    threading.Thread(target=warm_up, name="warm-up", daemon=True).start()

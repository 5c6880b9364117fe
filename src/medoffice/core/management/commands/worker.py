"""`medoffice worker`: run the background worker of the configured task backend.

TASK_BACKEND=database runs django-tasks-db's worker on the same database;
TASK_BACKEND=rq runs django-rq's worker with django-tasks-rq's job class and RQ's
scheduler (which moves deferred tasks onto the queue when they are due). On
start the worker makes sure the next run of every registered periodic task is
waiting (``core.tasks.register_periodic``: the nightly audit-chain verification,
the reminders).
SIGINT and SIGTERM stop it after the task in hand.
"""

from __future__ import annotations

import signal
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.crypto import get_random_string
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db import DatabaseBackend

from medoffice.core.tasks import is_rq_backend, schedule_registered

RQ_JOB_CLASS = "django_tasks_rq.backend.Job"


class Command(BaseCommand):
    help = "Run the background task worker for the configured backend (TASK_BACKEND)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--batch",
            "--burst",
            action="store_true",
            dest="batch",
            help="Run every task that is due, then exit.",
        )
        parser.add_argument(
            "--backend",
            default=DEFAULT_TASK_BACKEND_ALIAS,
            help="Alias of the task backend in settings.TASKS (default: %(default)s).",
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Database backend: seconds between looks at an empty queue (default: 1).",
        )
        parser.add_argument(
            "--in-process",
            action="store_true",
            help="RQ backend: run each job in the worker process instead of a forked child.",
        )
        parser.add_argument(
            "--no-schedule",
            action="store_false",
            dest="schedule",
            help="Do not enqueue the registered periodic tasks (audit check, reminders) on start.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        alias = options["backend"]
        try:
            backend = task_backends[alias]
        except Exception as exc:
            raise CommandError(f"--backend: no task backend “{alias}” in TASKS.") from exc
        if not (isinstance(backend, DatabaseBackend) or is_rq_backend(backend)):
            raise CommandError(
                f"The task backend “{alias}” ({type(backend).__name__}) runs tasks without a "
                "worker; set TASK_BACKEND=database or rq to use one."
            )
        if options["schedule"]:
            for periodic, when in schedule_registered():
                if options["verbosity"]:
                    self.stdout.write(periodic.announce.format(when=when))
        queues = sorted(backend.queues) or ["default"]
        saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            if isinstance(backend, DatabaseBackend):
                self._run_database_worker(alias, queues, options)
            else:
                self._run_rq_worker(queues, options)
        finally:
            # The workers install their own handlers for a clean stop; give the
            # caller (a test, a shell) back its own.
            for sig, handler in saved.items():
                signal.signal(sig, handler)

    def _run_database_worker(self, alias: str, queues: list[str], options: dict[str, Any]) -> None:
        from django_tasks_db.management.commands.db_worker import Command as DbWorker

        call_command(
            DbWorker(stdout=self.stdout, stderr=self.stderr),  # type: ignore[arg-type]  # an OutputWrapper is a TextIOBase, not the stubs' TextIO
            backend_name=alias,
            queue_name=",".join(queues),
            batch=options["batch"],
            interval=options["interval"],
            reload=False,
            startup_delay=not options["batch"],
            worker_id=get_random_string(32),
            verbosity=options["verbosity"],
        )

    def _run_rq_worker(self, queues: list[str], options: dict[str, Any]) -> None:
        from django_rq.management.commands.rqworker import Command as RqWorker

        call_command(
            RqWorker(stdout=self.stdout, stderr=self.stderr),  # type: ignore[arg-type]  # an OutputWrapper is a TextIOBase, not the stubs' TextIO
            *queues,
            job_class=RQ_JOB_CLASS,
            worker_class="rq.worker.SimpleWorker" if options["in_process"] else None,
            burst=options["batch"],
            with_scheduler=True,
            verbosity=options["verbosity"],
        )

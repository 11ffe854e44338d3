"""The exit codes of ``aidou-sync`` (docs/interfaces.md), for cron and Task Scheduler.

Their own module so that every command (``run``, ``bundle``, …) answers with the
same codes without importing the command-line module that dispatches to it.
"""

EXIT_OK = 0
EXIT_OFFLINE = 2
EXIT_AUTH = 3
EXIT_ATTENTION = 4  # done, but some records are rejected or in conflict
EXIT_ERROR = 5  # a refused bundle, a damaged database, an error a person must read
EXIT_BUSY = 6
EXIT_UPDATE = 7

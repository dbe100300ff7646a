"""The console reads of a maintenance record: each keeps its own transcript.

A failed read is kept beside the earlier ones and never takes the place of a good read: the
record's ``transcript`` stays the latest good read's (while no read was good, the latest one
that said anything, so support can see what the device did say).
"""

from __future__ import annotations

from assettrack.domain.models import Inspection, ReadAttempt

READ_OK = "read"
# Reads kept per record: an engineer retrying a bad cable must not grow it without end. The
# latest good read is always kept.
MAX_READS = 10


def add_read(inspection: Inspection, attempt: ReadAttempt) -> None:
    """Add ``attempt`` to the record's reads and show the right transcript."""
    reads = [*_reads_of(inspection), attempt]
    good = latest_good(reads)
    kept = reads[-MAX_READS:]
    if good is not None and all(r is not good for r in kept):
        kept = [good, *reads[-(MAX_READS - 1) :]]
    inspection.reads = kept
    if good is not None:
        inspection.transcript = good.transcript
    else:
        said = [r for r in reads if r.transcript]
        inspection.transcript = said[-1].transcript if said else ""


def latest_good(reads: list[ReadAttempt]) -> ReadAttempt | None:
    return next((r for r in reversed(reads) if r.ok), None)


def _reads_of(inspection: Inspection) -> list[ReadAttempt]:
    """The record's reads; a record saved before reads were kept one by one has only its
    ``transcript``: it becomes the first read (good if its readings were stored)."""
    if inspection.reads or not inspection.transcript:
        return list(inspection.reads)
    ok = bool(inspection.readings)
    return [
        ReadAttempt(
            at=inspection.created_at,
            driver=inspection.driver,
            ok=ok,
            outcome=READ_OK if ok else "failed (before each read was kept)",
            transcript=inspection.transcript,
        )
    ]

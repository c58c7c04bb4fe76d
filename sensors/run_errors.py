"""What a failed run's e-mail and summary say: the failing step's own error (its file and cause), not Dagster's
"Steps failed: [...]"."""

import dagster as dg


def failure_of(instance: dg.DagsterInstance, run_id: str) -> str:
    """The failing step's own error in one line (or why the run failed)."""
    for record in instance.all_logs(run_id, of_type=dg.DagsterEventType.STEP_FAILURE):
        error = record.dagster_event.step_failure_data.error
        while error and error.cause:  # the user code's exception, not Dagster's wrapper around it
            error = error.cause
        lines = (error.message if error else record.message or "").strip().splitlines()
        return f"{record.step_key}: {lines[0] if lines else 'failed'}"
    for record in instance.all_logs(run_id, of_type=dg.DagsterEventType.RUN_FAILURE):
        return (record.message or "run failed").strip().splitlines()[0]
    return "failed (no step failure recorded)"

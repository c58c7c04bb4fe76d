"""``envmon run`` of several days builds the reference data in a run of its own (pipelines/reference_runs.py): the
split covers the daily job exactly, and the reference side holds only unpartitioned assets (a dated asset there
would leave the days' run without it)."""

from pipelines.definitions import defs
from pipelines.reference_runs import reference_and_dated


def test_the_daily_job_splits_into_unpartitioned_reference_data_and_the_rest():
    job = defs.resolve_job_def("daily_job")
    graph = job.asset_layer.asset_graph
    reference, dated = reference_and_dated(job)
    assert reference and dated and not reference & dated
    assert reference | dated == set(job.asset_layer.selected_asset_keys)
    assert all(graph.get(key).partitions_def is None for key in reference)
    assert {key.path[0] for key in reference} >= {"seeds"} and "published" not in {k.path[0] for k in reference}
    assert all(graph.get(key).partitions_def is not None for key in dated if key.path[0] in ("staging", "marts"))

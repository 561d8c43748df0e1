"""The clustering design holds on data not built like the generator's own: four segments
per brand in a 2 x 2 design on two behaviours, alike in everything else (structure
"subtle"), where plain k-means on the correlation pass's representatives gives the two
behaviours little weight among ~40 indicators (bench/bench_validity.py measures every
structure at 20,000 customers)."""

import dataclasses

import polars as pl
import pytest
from sklearn.metrics import adjusted_rand_score

from segment import config
from segment.features import compute
from segment.io.inputs import find_inputs
from segment.pipeline import segment_table
from segment.synth import generate

OLD = {"variables": "kept", "metric": "euclidean"}


@pytest.fixture(scope="module")
def subtle(tmp_path_factory):
    folder = tmp_path_factory.mktemp("subtle")
    generate(folder, customers=4000, months=3, seed=11, structure="subtle")
    with compute(find_inputs(folder), config.Config()) as fs:
        frame = fs.frame()
    truth = pl.read_parquet(folder / "truth.parquet").select("customer_id", "brand", "group")
    return frame, truth


def _ari(frame, truth, **clustering) -> dict[str, float]:
    planted = {b: g["group"].n_unique() for (b,), g in truth.join(frame.select("customer_id"), on="customer_id")
               .group_by("brand")}
    cfg = config.Config()
    cfg = dataclasses.replace(cfg, clustering=dataclasses.replace(cfg.clustering, bootstrap=0, k_by_brand=planted,
                                                                  **clustering))
    seg = segment_table(frame, cfg, seed=1, threads=1)
    joined = seg.assignments.join(truth.drop("brand"), on="customer_id")
    return {b: adjusted_rand_score(g["group"].to_list(), g["segment"].to_list()) for (b,), g in joined.group_by("brand")}


def test_segments_that_differ_in_two_behaviours_are_recovered_at_the_planted_k(subtle):
    new, old = _ari(*subtle), _ari(*subtle, **OLD)
    assert set(new) == {"GoTone", "M-Zone", "Easyown"}
    assert all(v >= 0.85 for v in new.values()), new  # 0.94-0.99 here
    assert all(new[b] >= old[b] - 0.02 for b in new), (new, old)
    # the structure does break the old design (its ARI here: 0.33-0.43). The "sizes" structure
    # this test used before no longer does (0.95-1.0 since on-net calls appear in both parties'
    # CDR and the indicator set grew)
    assert min(old.values()) < 0.6

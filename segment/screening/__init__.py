"""Variable screening: which indicators are worth clustering on, and exactly why not.

Two passes, as in the segmentation playbook:

1. **Availability** (per indicator): missing share, share of the most frequent value,
   share of zeros, distinct count, mean, std, coefficient of variation, skewness and
   the 1st/50th/99th percentiles. The first rule that fires (in the order of
   :data:`CHECKS`) drops the indicator.
2. **Correlation** (on the survivors): pairwise-complete Pearson and Spearman matrices;
   indicators whose |r| (the larger of the two) reaches ``max_abs_r`` are linked, linked
   indicators form groups (connected components), and each group keeps the member with
   the lowest VARCLUS-style 1 - R² ratio; every dropped member names the kept one it is
   redundant with and their |r|.

An optional factor-analysis view (KMO, Bartlett, Kaiser and parallel analysis, varimax
loadings) describes the kept indicators; it never drops anything.

The maths lives in module-level functions (arrays in, arrays out) tested on their own:
:mod:`.stats` (availability), :mod:`.correlation` and :mod:`.factors`; :class:`Screener`
(:mod:`.screener`) wires them together scikit-learn style and :func:`screen`
(:mod:`.report`) is the one call the CLI makes. Columns are sorted by name before any
computation, so the result does not depend on the input column order. See
docs/screening.md.
"""

from .correlation import (average_ranks, choose_representatives, components, link_matrix, pairwise_correlations,
                          pairwise_pearson, pairwise_spearman, rsquare_ratios)
from .factors import bartlett, factor_view, kmo, parallel_thresholds, varimax
from .report import ROW_COLUMNS, SCHEMA_VERSION, ScreeningReport, iter_rows, report_from, screen
from .screener import Screener
from .stats import CHECKS, STATS, availability_checks, column_stats, to_matrix

__all__ = [
    "CHECKS", "ROW_COLUMNS", "SCHEMA_VERSION", "STATS", "Screener", "ScreeningReport", "availability_checks",
    "average_ranks", "bartlett", "choose_representatives", "column_stats", "components", "factor_view",
    "iter_rows", "kmo", "link_matrix", "pairwise_correlations", "pairwise_pearson", "pairwise_spearman",
    "parallel_thresholds", "report_from", "rsquare_ratios", "screen", "to_matrix", "varimax",
]

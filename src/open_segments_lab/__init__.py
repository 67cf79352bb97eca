"""The lab: what measures and exercises the product, and is never imported by it.

``open_segments`` is the product, the code that ``dbt build``, ``report``, ``segment_report``,
``publish`` and ``match_weights`` run. This package holds the workshop around it: the demo and
benchmark data generator (:mod:`.datagen`), the benchmark (:mod:`.benchmark`), the accuracy reports
against the generator's ground truth (:mod:`.identity.accuracy`, :mod:`.ml.accuracy`), the
comparisons with peer tools (:mod:`.identity.peer_comparison`, :mod:`.ml.peer_comparison`), the
cross-engine check (:mod:`.cross_engine`) and the SQL portability check (:mod:`.portability`).
The lab imports the product; the product never imports the lab (tests/python/test_lab_boundary.py).
"""

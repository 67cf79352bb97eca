"""Machine learning on the point-in-time features: clustering and propensity scoring.

The dbt Python models in ``python_models/ml`` are thin: they read their refs,
call these functions and return a table. Everything here is deterministic for
a given seed and input (rows are sorted by profile id before any sampling or
fitting), and works on numpy arrays so it can be tested without dbt.

* :mod:`.preprocess` -- log transform of skewed columns and standard scaling.
* :mod:`.clustering` -- k chosen by silhouette on a sample and Davies-Bouldin,
  bootstrap stability, k-means / hierarchical / DBSCAN.
* :mod:`.propensity` -- calibrated gradient boosting with a logistic baseline,
  time-based evaluation, deciles and permutation importance.
"""

# dbt runs Python models on several threads of one process, and two threads
# importing scikit-learn at once can see it half-initialised. Importing it
# here, while Python holds this package's import lock, lets one thread do it.
import sklearn.calibration  # noqa: E402, F401
import sklearn.cluster  # noqa: E402, F401
import sklearn.ensemble  # noqa: E402, F401
import sklearn.inspection  # noqa: E402, F401
import sklearn.linear_model  # noqa: E402, F401
import sklearn.metrics  # noqa: E402, F401
import sklearn.neighbors  # noqa: E402, F401

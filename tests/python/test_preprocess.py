"""FeatureScaler on small hostile frames: all-null, constant, one row, negatives, huge skew.

The scaler is a scikit-learn pipeline; these pin what its callers (clustering, the logistic
baseline, the lab's separability report) rely on: the same columns out in the same order, a
missing value at the training median, constant and all-null columns at 0, no log of a column
that has negatives, nothing non-finite out of finite input, and the same answer twice.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.pipeline import make_pipeline

from open_segments.ml.preprocess import FeatureScaler, ScaledFeatures, skewness

NAN = np.nan


def fitted(values: np.ndarray) -> tuple[FeatureScaler, np.ndarray]:
    columns = [f"c{j}" for j in range(values.shape[1])]
    scaler = FeatureScaler.fit(columns, values)
    return scaler, scaler.transform(values)


def test_an_all_null_column_is_zero_and_leaves_the_others_alone() -> None:
    values = np.array([[NAN, 1.0], [NAN, 2.0], [NAN, 4.0]])
    scaler, scaled = fitted(values)
    assert scaler.fill.tolist() == [0.0, 2.0]
    assert scaler.logged.tolist() == [False, False]
    assert np.array_equal(scaled[:, 0], np.zeros(3))
    centred = values[:, 1] - values[:, 1].mean()
    assert np.allclose(scaled[:, 1], centred / centred.std())
    # a later row with the column present is still compared against the fill, 0
    assert scaler.transform(np.array([[5.0, 2.0]]))[0, 0] == 5.0


@pytest.mark.parametrize("constant", [0.0, 0.1, 7.0, 1e9 + 0.3, -3.3])
def test_a_constant_column_stays_zero(constant: float) -> None:
    # 0.1 and 1e9 + 0.3 are not exact in binary: their mean differs from the value by a
    # rounding error, which must not be divided by a rounding-error spread (it gave +-1)
    values = np.column_stack([np.full(7, constant), np.arange(7.0)])
    scaler, scaled = fitted(values)
    assert not scaler.logged[0]
    assert scaler.scale[0] == 1.0
    # 0 up to the rounding of the mean: a few units in the last place of the value
    assert np.allclose(
        scaled[:, 0], 0.0, rtol=0, atol=4 * np.finfo(float).eps * max(1, abs(constant))
    )
    assert np.allclose(scaled[:, 1], (np.arange(7.0) - 3) / 2)


def test_one_row_transforms_to_zeros_with_its_values_as_fill() -> None:
    row = np.array([[3.0, NAN, -2.0]])
    scaler, scaled = fitted(row)
    assert np.array_equal(scaler.fill, [3.0, 0.0, -2.0])
    assert np.array_equal(scaled, np.zeros((1, 3)))
    assert np.allclose(scaler.inverse_transform(scaled), [[3.0, 0.0, -2.0]])
    # other rows are shifted by the one row's values, unscaled
    assert np.allclose(scaler.transform(np.array([[4.0, 1.0, NAN]])), [[1.0, 1.0, 0.0]])


def test_a_skewed_column_with_a_negative_value_is_not_logged() -> None:
    values = np.array([[-1.0, 1.0], [0, 1], [0, 1], [0, 1], [0, 1], [0, 1], [0, 1], [100, 500]])
    assert (skewness(values) > 1).all()  # both heavy-tailed
    scaler, scaled = fitted(values)
    assert scaler.logged.tolist() == [False, True]  # log1p(-1) would be -inf
    assert np.isfinite(scaled).all()
    column = values[:, 0]
    assert np.allclose(scaled[:, 0], (column - column.mean()) / column.std())
    logged = np.log1p(values[:, 1])
    assert np.allclose(scaled[:, 1], (logged - logged.mean()) / logged.std())
    assert np.allclose(scaler.inverse_transform(scaled), values)


@pytest.mark.parametrize("outlier", [1e12, 1e300])
def test_a_huge_outlier_is_logged_and_stays_finite(outlier: float) -> None:
    # the cube of 1e300 overflows a float: the skewness must still read the column as skewed
    values = np.array([[0.0]] * 99 + [[outlier]])
    scaler, scaled = fitted(values)
    assert scaler.logged.tolist() == [True]
    logged = np.log1p(values[:, 0])
    assert np.isfinite(scaled).all()
    assert np.allclose(scaled[:, 0], (logged - logged.mean()) / logged.std())
    # two values, 99 to 1: the many at -1/sqrt(99) standard deviations, the one at sqrt(99)
    assert np.allclose(scaled[[0, -1], 0], [-1 / np.sqrt(99), np.sqrt(99)])


def test_lognormal_columns_are_logged_and_standardised() -> None:
    rng = np.random.default_rng(0)
    values = rng.lognormal(0, 4, (500, 2))
    values[::7, 1] = NAN
    scaler, scaled = fitted(values)
    assert scaler.logged.tolist() == [True, True]
    assert np.allclose(scaled.mean(axis=0), 0, atol=1e-12)
    assert np.allclose(scaled.std(axis=0), 1)
    present = ~np.isnan(values)
    assert np.allclose(scaler.inverse_transform(scaled)[present], values[present])


def test_no_rows_and_no_columns_give_the_identity() -> None:
    nothing = FeatureScaler.fit(["a", "b"], np.zeros((0, 2)))
    assert nothing.logged.tolist() == [False, False]
    rows = np.array([[1.0, NAN], [-5.0, 2.0]])
    assert np.array_equal(nothing.transform(rows), [[1.0, 0.0], [-5.0, 2.0]])
    assert nothing.transform(np.zeros((0, 2))).shape == (0, 2)
    assert nothing.inverse_transform(np.zeros((0, 2))).shape == (0, 2)
    no_columns = FeatureScaler.fit([], np.zeros((4, 0)))
    assert no_columns.transform(np.zeros((3, 0))).shape == (3, 0)
    assert no_columns.logged.shape == no_columns.fill.shape == (0,)


def test_the_same_rows_give_the_same_transform_and_columns_keep_their_order() -> None:
    rng = np.random.default_rng(3)
    values = np.column_stack(
        [
            rng.normal(0, 1, 200),
            rng.lognormal(0, 2, 200),
            np.full(200, 2.0),
            rng.exponential(9, 200),
        ]
    )
    first, scaled = fitted(values)
    second, again = fitted(values.copy())
    assert np.array_equal(scaled, again)
    assert first.columns == ("c0", "c1", "c2", "c3")
    assert first.logged.tolist() == [False, True, False, True]
    # each column is transformed alone: reversing the input columns reverses the output
    reversed_scaler, reversed_scaled = fitted(values[:, ::-1])
    assert np.allclose(reversed_scaled, scaled[:, ::-1])
    assert reversed_scaler.logged.tolist() == first.logged.tolist()[::-1]


def test_scaled_features_is_the_scaler_as_a_pipeline_step() -> None:
    rng = np.random.default_rng(4)
    values = np.column_stack([rng.lognormal(0, 2, 100), rng.normal(0, 1, 100)])
    step = clone(make_pipeline(ScaledFeatures(["a", "b"])))
    assert np.array_equal(
        step.fit_transform(values), FeatureScaler.fit(["a", "b"], values).transform(values)
    )

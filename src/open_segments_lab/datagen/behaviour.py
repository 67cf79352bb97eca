"""Latent behaviour: archetypes, purchase process, churn and the 30-day outlook.

Every CRM person buys according to an inhomogeneous Poisson process with
intensity (orders per day)

    lambda(t) = rate * exp(trend * (t - end) / DAY) * season(day(t))

while active, i.e. between ``max(created_at, history_start)`` and ``churn_at``
(``inf`` when the person never churns).  ``rate`` is the intensity at the end
date, ``trend`` a per-person drift, and ``season`` a shared calendar factor
(weekday x month, peaking around Black Friday / Christmas).

The label ``purchased_next_30d`` is one draw of the *same* process over the 30
days after the end date, and ``oracle_purchase_prob_30d = 1 - exp(-Lambda)``
where ``Lambda`` is the integrated intensity over those days -- the best any
model could do.  Web sessions use the same machinery with their own rate, so
browsing intensity, recency and purchase frequency carry the latent signal.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from functools import lru_cache

import numpy as np

from open_segments_lab.datagen import vocab as v
from open_segments_lab.datagen.config import DAY, LABEL_DAYS, TimeWindow
from open_segments_lab.datagen.persons import Persons
from open_segments_lab.datagen.rng import weighted
from open_segments_lab.datagen.timefmt import civil_from_days


class Archetype(IntEnum):
    """Planted behavioural segments (the clustering ground truth)."""

    LOYAL_HIGH_VALUE = 0
    FREQUENT_LOW_VALUE = 1
    OCCASIONAL = 2
    WINDOW_SHOPPER = 3
    LAPSED = 4
    NEW_CUSTOMER = 5
    WEB_ONLY = 6
    BOT = 7

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Profile:
    """Behavioural parameters of an archetype (medians; persons vary around them)."""

    crm_share: float  # share among CRM customers
    orders_per_day: float  # purchase intensity while active
    order_value: float  # median order value in AUD
    churn_share: float  # chance of silently churning inside the history window
    sessions_per_day: float  # web sessions per day while active
    events_per_session: float  # mean events per web session
    cart_share: float  # share of in-session events that are add-to-cart
    open_rate: float  # email open probability per send while active
    click_rate: float  # click probability given an open
    online_share: float  # share of orders placed on web or app
    extra_cookie_p: float  # binomial p for up to three extra devices


PROFILES: dict[Archetype, Profile] = {
    Archetype.LOYAL_HIGH_VALUE: Profile(
        0.15, 1 / 45, 250.0, 0.00, 0.0030, 5.0, 0.12, 0.45, 0.30, 0.65, 0.45
    ),
    Archetype.FREQUENT_LOW_VALUE: Profile(
        0.15, 1 / 35, 20.0, 0.00, 0.0030, 3.5, 0.10, 0.30, 0.20, 0.60, 0.35
    ),
    Archetype.OCCASIONAL: Profile(
        0.20, 1 / 120, 50.0, 0.00, 0.0015, 3.5, 0.06, 0.15, 0.15, 0.55, 0.25
    ),
    Archetype.WINDOW_SHOPPER: Profile(
        0.15, 0.0, 60.0, 0.00, 0.0080, 7.0, 0.20, 0.25, 0.25, 0.80, 0.45
    ),
    Archetype.LAPSED: Profile(0.15, 1 / 30, 140.0, 1.00, 0.0020, 3.5, 0.06, 0.20, 0.15, 0.50, 0.20),
    Archetype.NEW_CUSTOMER: Profile(
        0.15, 1 / 20, 70.0, 0.00, 0.0120, 4.5, 0.10, 0.35, 0.20, 0.70, 0.30
    ),
    Archetype.WEB_ONLY: Profile(0.00, 0.0, 0.0, 0.00, 0.0020, 3.0, 0.05, 0.00, 0.00, 0.00, 0.20),
}
"""Profiles of the human archetypes (bots are generated separately in :mod:`web`).

The archetypes are planted to be told apart: each differs from every other on at least one
behaviour a feature measures with little noise (order value, order rate, browsing rate, how
long ago the person became a customer, how long ago they last ordered), and people vary
little around their archetype (the spreads below). Window shoppers register but never buy;
only the lapsed churn, and they stopped at least ``LAPSE_MIN_DAYS`` ago. This is what lets
the ML stage be checked against truth (clusters against archetypes, scores against the
oracle); real customers overlap far more.

New customers sign up at any time in the last 90 days, so propensity snapshots a horizon apart
see the same kind of newcomers. The lapse is anchored to the end date instead (every lapsed
customer stopped at least ``LAPSE_MIN_DAYS`` before it), so a churn model trained half a year
back sees recent lapsers that the later snapshot it is tested on does not: churn carries from
one snapshot to the next less well than it would in a steady business.
"""

RATE_SPREAD = 0.12  # lognormal sigma of a person's order rate around the archetype's
VALUE_SPREAD = 0.20  # ... of the person's median order value
SESSION_SPREAD = 0.30  # ... of the person's browsing rate
OPEN_SPREAD = 0.25  # ... of the person's email open rate
ESTABLISHED_MIN_DAYS = 365  # established customers signed up at least this long ago
NEW_MIN_DAYS, NEW_SPAN_DAYS = 0, 90  # new customers signed up in the last 90 days
LAPSE_MIN_DAYS = 240  # the lapsed stopped buying at least this long ago ...
LAPSED_ACTIVE_MIN_DAYS, LAPSED_ACTIVE_SPAN_DAYS = 120, 360  # ... after 120 to 480 active days


CRM_ARCHETYPES = tuple(a for a, p in PROFILES.items() if p.crm_share > 0)


def profile_array(attribute: str) -> np.ndarray:
    """One profile attribute for every archetype code (``nan`` for bots)."""
    values = np.full(len(Archetype), np.nan)
    for archetype, profile in PROFILES.items():
        values[archetype] = getattr(profile, attribute)
    return values


# ----------------------------------------------------------------------------- seasonality

_MONTH_FACTOR = np.array([0.85, 0.85, 0.95, 0.95, 1.0, 1.05, 0.95, 0.95, 0.95, 1.0, 1.3, 1.35])
_WEEKDAY_FACTOR = np.array([1.0, 0.96, 0.96, 1.0, 1.04, 1.06, 1.02])  # Monday first


@dataclass(frozen=True)
class Seasonality:
    """Calendar factor per UTC day over ``[first_day, first_day + len(factor))``."""

    first_day: int
    factor: np.ndarray

    @property
    def peak(self) -> float:
        return float(self.factor.max())

    def at(self, seconds: np.ndarray) -> np.ndarray:
        day = np.floor_divide(np.asarray(seconds), DAY).astype(np.int64) - self.first_day
        return self.factor[np.clip(day, 0, len(self.factor) - 1)]


@lru_cache(maxsize=4)
def seasonality(window: TimeWindow) -> Seasonality:
    first = window.history_start // DAY - 1
    days = np.arange(first, window.future_end // DAY + 2)
    _, month, _ = civil_from_days(days)
    weekday = (days + 3) % 7  # 1970-01-01 was a Thursday
    factor = _MONTH_FACTOR[month - 1] * _WEEKDAY_FACTOR[weekday]
    factor.flags.writeable = False
    return Seasonality(first_day=int(first), factor=factor)


# ----------------------------------------------------------------------------- latent state


@dataclass(frozen=True)
class Latent:
    """Hidden behavioural state of every person of a chunk (aligned with ``Persons``)."""

    archetype: np.ndarray
    created_at: np.ndarray  # CRM sign-up (float seconds); first visit for web-only people
    rate: np.ndarray  # orders per day at the end date, before seasonality
    trend: np.ndarray  # log-rate drift per day
    churn_at: np.ndarray  # inf when the person never churns
    order_value: np.ndarray  # median order value, AUD
    favourite_category: np.ndarray
    session_rate: np.ndarray  # web sessions per day at the end date
    web_start: np.ndarray
    web_stop: np.ndarray
    open_rate: np.ndarray  # email open probability while active
    online_share: np.ndarray

    @property
    def is_churned(self) -> np.ndarray:
        return np.isfinite(self.churn_at)

    def active_span(self, window: TimeWindow) -> tuple[np.ndarray, np.ndarray]:
        """Interval of the purchase process inside the observation window."""
        start = np.maximum(self.created_at, window.history_start)
        stop = np.minimum(self.churn_at, window.end)
        return start, stop


def draw_latent(rng: np.random.Generator, persons: Persons, window: TimeWindow) -> Latent:
    """Assign archetypes and draw every person's hidden behaviour."""
    n = len(persons)
    end, start = float(window.end), float(window.history_start)
    history_days = (window.end - window.history_start) / DAY

    archetype = np.full(n, int(Archetype.WEB_ONLY))
    crm = persons.is_crm
    shares = [PROFILES[a].crm_share for a in CRM_ARCHETYPES]
    archetype[crm] = np.array(CRM_ARCHETYPES)[weighted(rng, shares, int(crm.sum()))]
    new = archetype == Archetype.NEW_CUSTOMER
    lapsed = archetype == Archetype.LAPSED

    median_rate = profile_array("orders_per_day")[archetype]
    rate = median_rate * rng.lognormal(0.0, RATE_SPREAD, n)
    trend = np.zeros(n)  # the process machinery supports a drift; the archetypes have none

    # Established customers signed up 365 days to the whole history before the
    # end, new ones in the last 90 days; web-only people first visit in the window.
    u = rng.random(n)
    created = end - (ESTABLISHED_MIN_DAYS + u * (history_days - ESTABLISHED_MIN_DAYS)) * DAY
    created = np.where(new, end - (NEW_MIN_DAYS + u * NEW_SPAN_DAYS) * DAY, created)
    created = np.where(crm, created, start + u * (end - start))

    # Lapsed customers bought for a while, then stopped LAPSE_MIN_DAYS+ before the end date.
    lapse_days = LAPSE_MIN_DAYS + rng.random(n) * max(10.0, 0.75 * history_days - LAPSE_MIN_DAYS)
    lapsed_churn = end - lapse_days * DAY
    active_days = LAPSED_ACTIVE_MIN_DAYS + rng.random(n) * LAPSED_ACTIVE_SPAN_DAYS
    created = np.where(lapsed, lapsed_churn - active_days * DAY, created)

    churns = crm & (rng.random(n) < profile_array("churn_share")[archetype])
    churn_from = np.maximum(created, start)
    churn_at = np.where(churns, churn_from + rng.random(n) * (end - churn_from), np.inf)
    churn_at = np.where(lapsed, lapsed_churn, churn_at)

    relative_rate = np.divide(rate, median_rate, out=np.ones(n), where=median_rate > 0)
    session_rate = (
        profile_array("sessions_per_day")[archetype]
        * rng.lognormal(0.0, SESSION_SPREAD, n)
        * np.sqrt(relative_rate)
    )
    web_start = np.where(crm, np.maximum(start, created - rng.random(n) * 90 * DAY), created)
    web_stop = np.minimum(end, churn_at + rng.random(n) * 30 * DAY)

    return Latent(
        archetype=archetype,
        created_at=created,
        rate=rate,
        trend=trend,
        churn_at=churn_at,
        order_value=profile_array("order_value")[archetype] * rng.lognormal(0.0, VALUE_SPREAD, n),
        favourite_category=weighted(rng, v.CATEGORY_WEIGHTS, n),
        session_rate=session_rate,
        web_start=web_start,
        web_stop=np.maximum(web_stop, web_start),
        open_rate=np.clip(
            profile_array("open_rate")[archetype] * rng.lognormal(0, OPEN_SPREAD, n), 0.0, 0.95
        ),
        online_share=profile_array("online_share")[archetype],
    )


# ----------------------------------------------------------------------------- processes


def sample_arrivals(
    rng: np.random.Generator,
    rate: np.ndarray,
    trend: np.ndarray,
    start: np.ndarray,
    stop: np.ndarray,
    anchor: float,
    season: Seasonality,
) -> tuple[np.ndarray, np.ndarray]:
    """Arrivals of ``rate * exp(trend * (t - anchor) / DAY) * season(t)`` on ``[start, stop)``.

    Rates are per day and times are epoch seconds.  Candidates are drawn
    exactly (inverse cumulative intensity) from the process without the
    seasonal factor scaled by its peak, then thinned by ``season / peak``.
    Returns ``(owner, seconds)`` where ``owner`` indexes the input arrays;
    arrivals are grouped by owner but not sorted in time.
    """
    s = (np.asarray(start, dtype=np.float64) - anchor) / DAY
    span = np.maximum((np.asarray(stop, dtype=np.float64) - anchor) / DAY - s, 0.0)
    k = np.where(np.abs(trend) < 1e-9, 1e-9, trend)
    base = np.asarray(rate, dtype=np.float64) * np.exp(k * s)
    cumulative = base * np.expm1(k * span) / k
    count = rng.poisson(season.peak * cumulative)
    owner = np.repeat(np.arange(len(s)), count)
    target = rng.random(len(owner)) * cumulative[owner]
    ko = k[owner]
    t = s[owner] + np.log1p(target * ko / base[owner]) / ko
    seconds = anchor + t * DAY
    keep = rng.random(len(owner)) * season.peak < season.at(seconds)
    return owner[keep], seconds[keep]


@dataclass(frozen=True)
class Outlook:
    """The 30 days after the end date, for every person of a chunk."""

    expected_orders: np.ndarray
    probability: np.ndarray  # oracle P(at least one order)
    purchased: np.ndarray  # realised label
    next_order_at: np.ndarray  # seconds, nan when no order in the window


def draw_outlook(rng: np.random.Generator, latent: Latent, window: TimeWindow) -> Outlook:
    """Integrate the purchase intensity over the label window and draw the label."""
    season = seasonality(window)
    n = len(latent.rate)
    active = ~latent.is_churned & (latent.rate > 0)
    rate = np.where(active, latent.rate, 0.0)
    k = np.where(np.abs(latent.trend) < 1e-9, 1e-9, latent.trend)
    day = np.arange(LABEL_DAYS)
    factor = season.at(window.end + day * DAY + DAY // 2)
    per_day = np.exp(np.outer(k, day)) * (np.expm1(k) / k)[:, None]
    expected = rate * (per_day @ factor)

    label_start = np.full(n, float(window.end))
    label_stop = np.full(n, float(window.future_end))
    owner, seconds = sample_arrivals(
        rng, rate, latent.trend, label_start, label_stop, float(window.end), season
    )
    next_order = np.full(n, np.inf)
    np.minimum.at(next_order, owner, seconds)
    purchased = np.isfinite(next_order)
    return Outlook(
        expected_orders=expected,
        probability=-np.expm1(-expected),
        purchased=purchased,
        next_order_at=np.where(purchased, next_order, np.nan),
    )


_HOUR_WEIGHTS = np.array(
    [
        1,
        0.6,
        0.4,
        0.3,
        0.3,
        0.5,
        1.2,
        2.5,
        3.5,
        4,
        4.5,
        5,
        6,
        5.5,
        4.5,
        4.5,
        4.5,
        5,
        6,
        7,
        7.5,
        6,
        4,
        2,
    ]
)


def local_time_of_day(
    rng: np.random.Generator,
    seconds: np.ndarray,
    offset_minutes: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
) -> np.ndarray:
    """Move each instant to a realistic local hour on the same local day.

    The process decides the day; shoppers decide the hour (few orders at 3am).
    Instants that would leave ``[lower, upper)`` keep their original time.
    """
    offset = np.asarray(offset_minutes, dtype=np.float64) * 60
    local_day = np.floor_divide(seconds + offset, DAY)
    hour = rng.choice(24, size=len(seconds), p=_HOUR_WEIGHTS / _HOUR_WEIGHTS.sum())
    moved = local_day * DAY + hour * 3600 + rng.random(len(seconds)) * 3600 - offset
    inside = (moved >= lower) & (moved < upper)
    return np.where(inside, moved, seconds)

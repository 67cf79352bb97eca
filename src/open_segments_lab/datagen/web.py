"""``web_events``: clickstream of CRM customers, anonymous visitors and bots.

Every person browses on 1-4 devices (cookies).  Sessions follow the person's
latent web intensity (same trend and churn as their purchases); each session
is a short funnel of page/product views, add-to-carts and the odd checkout or
form.  Customers log in on some devices from some point on, after which events
carry their ``customer_id``; before that (and on other devices) they are
anonymous.  Most online orders leave a short cart/checkout/``purchase``
session.  Bots (~3% of cookies) fire rapid bursts of dozens to thousands of
page and product views.  Transport adds ~1% re-delivered duplicates (same
``event_id``, later ``received_at``) and ~2% late arrivals; an older tracker
on ~8% of cookies spells event types differently and sends neither session
ids nor milliseconds.  Rows are in event-time order, so row order reveals
nothing about who is behind a cookie.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from functools import lru_cache

import numpy as np
import pyarrow as pa

from open_segments_lab.datagen import labels, mess
from open_segments_lab.datagen import vocab as v
from open_segments_lab.datagen.behaviour import (
    Latent,
    local_time_of_day,
    profile_array,
    sample_arrivals,
    seasonality,
)
from open_segments_lab.datagen.config import DAY, ChunkSpec, TimeWindow
from open_segments_lab.datagen.customers import CustomerRecords
from open_segments_lab.datagen.ids import block_ids, scramble
from open_segments_lab.datagen.orders import CHANNEL_APP, CHANNEL_WEB, Orders
from open_segments_lab.datagen.persons import Emails, Persons
from open_segments_lab.datagen.rng import categorical, weighted
from open_segments_lab.datagen.textops import (
    choose,
    concat,
    digits,
    null_where,
    random_hex,
    repeat,
    scatter,
    take,
    uuid4,
)
from open_segments_lab.datagen.textops import vocab as to_vocab
from open_segments_lab.datagen.timefmt import format_local, format_seconds, utc_offset_minutes

PAGE_VIEW, PRODUCT_VIEW, ADD_TO_CART, CHECKOUT, PURCHASE, FORM_SUBMIT = range(6)
LEGACY_TRACKER_SHARE = 0.08
MISSING_SESSION_SHARE = 0.03
PURCHASE_TRACKED_SHARE = 0.8
FORM_EMAIL_SHARE = 0.6
UTM_SHARE = 0.12
DUPLICATE_SHARE = 0.01
LATE_SHARE = 0.02
UNPARSEABLE_SHARE = 0.003
LONG_PATH_SHARE = 0.0001
MEAN_EVENT_GAP_SECONDS = 45.0
MAX_EVENTS_PER_SESSION = 60
BOT_MEDIAN_EVENTS = 40
COOKIE_MODULUS = 2**31 - 1  # prime: any multiplier below it gives a bijection
COOKIE_MULTIPLIER = 1_103_515_245
COOKIE_BLOCK_PER_PERSON = 8  # cookie numbers reserved per CRM person of a chunk

TIME_LOCAL, TIME_LOCAL_MILLIS, TIME_UTC_MILLIS = range(3)

_FORM_PAGES = to_vocab(["/newsletter/subscribe", "/account/register", "/contact", "/account/login"])
_DEVICES = to_vocab(list(v.DEVICE_TYPES))


@dataclass(frozen=True)
class Cookies:
    """Browsers of a chunk: human cookies (grouped by person), then one per bot."""

    person: np.ndarray  # index into Persons, -1 for bots
    bot: np.ndarray  # bot number, -1 for humans
    device: np.ndarray  # index into vocab.DEVICE_TYPES
    user_agent: np.ndarray  # index into the flattened user-agent vocabulary
    legacy: np.ndarray  # old tracker
    time_style: np.ndarray  # TIME_* code
    logs_in: np.ndarray  # the customer logs in on this device at some point
    first_of_person: np.ndarray  # per person: index of their first cookie
    count_of_person: np.ndarray  # per person: number of cookies

    def __len__(self) -> int:
        return len(self.person)

    def pick(self, rng: np.random.Generator, person: np.ndarray, skew: float = 1.0) -> np.ndarray:
        """A cookie of each person; ``skew > 1`` favours their main device."""
        share = rng.random(len(person)) ** skew
        offset = np.floor(share * self.count_of_person[person]).astype(np.int64)
        return self.first_of_person[person] + offset


@dataclass(frozen=True)
class _Events:
    """Numeric description of events before rendering."""

    cookie: np.ndarray
    at_ms: np.ndarray
    kind: np.ndarray  # PAGE_VIEW ... FORM_SUBMIT
    session: np.ndarray  # session number, -1 for none
    first_in_session: np.ndarray
    record: np.ndarray  # logged-in customer record, -1 when anonymous
    category: np.ndarray

    @staticmethod
    def concat(*parts: _Events) -> _Events:
        return _Events(
            **{f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(_Events)}
        )

    def take(self, rows: np.ndarray) -> _Events:
        return _Events(**{f.name: getattr(self, f.name)[rows] for f in fields(_Events)})


@dataclass(frozen=True)
class WebEvents:
    table: pa.Table
    cookie_id: pa.Array  # distinct cookies that produced events
    cookie_person_id: np.ndarray  # their true person ids (bot pseudo-persons included)
    bot_person_id: np.ndarray


@lru_cache(maxsize=1)
def _user_agents() -> tuple[pa.Array, np.ndarray, np.ndarray]:
    """Flattened user agents, start of each device group (bots last), app flags."""
    groups = [*v.USER_AGENTS, v.BOT_USER_AGENTS]
    flat = [ua for group in groups for ua in group]
    start = np.cumsum([0] + [len(g) for g in groups])
    return to_vocab(flat), start, np.array(["ShopApp" in ua for ua in flat])


def build_web(
    rng: np.random.Generator,
    bot_rng: np.random.Generator,
    persons: Persons,
    latent: Latent,
    customers: CustomerRecords,
    orders: Orders,
    spec: ChunkSpec,
    chunk_size: int,
    window: TimeWindow,
) -> WebEvents:
    """Generate the ``web_events`` rows of a chunk."""
    cookies = _cookies(rng, persons, latent, spec.n_bots)
    sessions = _session_events(rng, persons, latent, customers, cookies, window)
    next_session = int(sessions.session.max(initial=-1)) + 1
    purchases = _purchase_events(rng, cookies, orders, next_session)
    next_session = int(purchases.session.max(initial=next_session - 1)) + 1
    bots = _bot_events(bot_rng, cookies, window, next_session)
    events = _Events.concat(sessions, purchases, bots)
    # Chronological order, so row order carries no hint of who is behind a cookie.
    events = events.take(np.argsort(events.at_ms, kind="stable"))

    never = np.iinfo(np.int64).max
    first_seen = np.full(len(cookies), never)
    np.minimum.at(first_seen, events.cookie, events.at_ms // 1000)
    seen = first_seen < never
    number = scramble(
        block_ids(spec.index, COOKIE_BLOCK_PER_PERSON * chunk_size, np.arange(len(cookies))),
        COOKIE_MODULUS,
        COOKIE_MULTIPLIER,
        12_345,
    )
    version = take(to_vocab(["1", "2"]), rng.integers(0, 2, len(cookies)))
    cookie_id = concat(
        "GA1.",
        version,
        ".",
        digits(number + 100_000_000),
        ".",
        digits(np.where(seen, first_seen, 0)),
    )

    table = _render(rng, persons, customers, cookies, cookie_id, events)
    bot_person_id = spec.bot_person_offset + 1 + np.arange(spec.n_bots, dtype=np.int64)
    owner = np.where(
        cookies.person >= 0,
        persons.person_id[np.maximum(cookies.person, 0)],
        bot_person_id[np.maximum(cookies.bot, 0)],
    )
    return WebEvents(
        table=table,
        cookie_id=cookie_id.filter(pa.array(seen)),
        cookie_person_id=owner[seen],
        bot_person_id=bot_person_id,
    )


def _cookies(rng: np.random.Generator, persons: Persons, latent: Latent, n_bots: int) -> Cookies:
    count = 1 + rng.binomial(3, profile_array("extra_cookie_p")[latent.archetype])
    first_of_person = np.concatenate([[0], np.cumsum(count)[:-1]])
    person = np.repeat(np.arange(len(persons)), count)
    main = np.arange(len(person)) == first_of_person[person]
    n = len(person)
    device = np.where(main, weighted(rng, [45, 50, 5], n), weighted(rng, [35, 50, 15], n))
    _, ua_start, is_app = _user_agents()
    group_size = np.diff(ua_start)
    user_agent = ua_start[device] + rng.integers(0, 1 << 30, n) % group_size[device]
    legacy = rng.random(n) < LEGACY_TRACKER_SHARE
    style = np.where(is_app[user_agent], TIME_UTC_MILLIS, TIME_LOCAL_MILLIS)
    style = np.where(legacy, TIME_LOCAL, style)
    logs_in = persons.is_crm[person] & (rng.random(n) < np.where(main, 0.75, 0.5))

    bot_ua = ua_start[-2] + rng.integers(0, len(v.BOT_USER_AGENTS), n_bots)
    return Cookies(
        person=np.concatenate([person, np.full(n_bots, -1)]),
        bot=np.concatenate([np.full(n, -1), np.arange(n_bots)]),
        device=np.concatenate([device, np.zeros(n_bots, dtype=np.int64)]),
        user_agent=np.concatenate([user_agent, bot_ua]),
        legacy=np.concatenate([legacy, np.zeros(n_bots, dtype=bool)]),
        time_style=np.concatenate([style, np.full(n_bots, TIME_UTC_MILLIS)]),
        logs_in=np.concatenate([logs_in, np.zeros(n_bots, dtype=bool)]),
        first_of_person=first_of_person,
        count_of_person=count,
    )


def _event_mix() -> np.ndarray:
    """Probabilities of in-session event kinds (after the landing page) per archetype."""
    cart = np.nan_to_num(profile_array("cart_share"))
    checkout = 0.15 * cart
    form = np.full_like(cart, 0.015)
    product = np.full_like(cart, 0.40)
    page = 1.0 - cart - checkout - form - product
    purchase = np.zeros_like(cart)
    return np.stack([page, product, cart, checkout, purchase, form], axis=1)


def _session_events(
    rng: np.random.Generator,
    persons: Persons,
    latent: Latent,
    customers: CustomerRecords,
    cookies: Cookies,
    window: TimeWindow,
) -> _Events:
    owner, start = sample_arrivals(
        rng,
        latent.session_rate,
        latent.trend,
        latent.web_start,
        latent.web_stop,
        float(window.end),
        seasonality(window),
    )
    offset = utc_offset_minutes(
        start.astype(np.int64), persons.zone_minutes[owner], persons.zone_rule[owner]
    )
    start = local_time_of_day(rng, start, offset, latent.web_start[owner], latent.web_stop[owner])
    cookie_of_session = cookies.pick(rng, owner, skew=1.6)

    archetype = latent.archetype[owner]
    mean_events = profile_array("events_per_session")[archetype]
    count = np.minimum(rng.geometric(1.0 / mean_events), MAX_EVENTS_PER_SESSION)
    session = np.repeat(np.arange(len(owner)), count)
    first_row = np.concatenate([[0], np.cumsum(count)[:-1]])
    rank = np.arange(len(session)) - first_row[session]
    gap = rng.exponential(MEAN_EVENT_GAP_SECONDS, len(session))
    gap[rank == 0] = 0.0
    elapsed = np.cumsum(gap)
    at = start[session] + elapsed - elapsed[first_row[session]]

    kind = categorical(rng, _event_mix(), archetype[session])
    kind[rank == 0] = PAGE_VIEW
    person = owner[session]
    cookie = cookie_of_session[session]

    # Log-in: from a random point in the cookie's life on, for customers who log in there.
    first_visit = np.full(len(cookies), np.inf)
    last_visit = np.full(len(cookies), -np.inf)
    np.minimum.at(first_visit, cookie_of_session, start)
    np.maximum.at(last_visit, cookie_of_session, start)
    span = np.where(np.isfinite(first_visit), last_visit - first_visit, 0.0)
    login_at = np.where(
        cookies.logs_in, first_visit + rng.random(len(cookies)) * 0.8 * span, np.inf
    )
    logged = at >= login_at[cookie]
    record = np.full(len(session), -1)
    record[logged] = customers.latest_at(person[logged], at[logged])

    favourite = rng.random(len(session)) < 0.6
    category = np.where(
        favourite,
        latent.favourite_category[person],
        weighted(rng, v.CATEGORY_WEIGHTS, len(session)),
    )
    return _Events(
        cookie=cookie,
        at_ms=np.floor(at * 1000).astype(np.int64),
        kind=kind,
        session=session,
        first_in_session=rank == 0,
        record=record,
        category=category,
    )


def _purchase_events(
    rng: np.random.Generator,
    cookies: Cookies,
    orders: Orders,
    first_session: int,
) -> _Events:
    """(Product view,) add-to-cart, checkout and purchase events for most web/app orders.

    Tracking loses some orders.  The buyer is logged in: ``user_id`` is the
    customer id the order was placed under.
    """
    online = np.isin(orders.channel, [CHANNEL_WEB, CHANNEL_APP])
    tracked = np.flatnonzero(online & (rng.random(len(orders.person)) < PURCHASE_TRACKED_SHARE))
    k = len(tracked)
    purchase_at = orders.ordered_at[tracked] - rng.uniform(5, 120, k)
    checkout_at = purchase_at - rng.uniform(30, 900, k)
    cart_at = checkout_at - rng.uniform(10, 1200, k)
    view_at = cart_at - rng.uniform(10, 600, k)
    viewed = rng.random(k) < 0.6  # others buy straight from a saved cart or wish list

    steps = 4
    kind = np.repeat([PRODUCT_VIEW, ADD_TO_CART, CHECKOUT, PURCHASE], k)
    keep = (kind != PRODUCT_VIEW) | np.tile(viewed, steps)
    first = (kind == PRODUCT_VIEW) | ((kind == ADD_TO_CART) & ~np.tile(viewed, steps))
    at = np.concatenate([view_at, cart_at, checkout_at, purchase_at])
    return _Events(
        cookie=np.tile(cookies.pick(rng, orders.person[tracked], skew=1.6), steps)[keep],
        at_ms=np.floor(at[keep] * 1000).astype(np.int64),
        kind=kind[keep],
        session=np.tile(first_session + np.arange(k), steps)[keep],
        first_in_session=first[keep],
        record=np.tile(orders.record[tracked], steps)[keep],
        category=np.tile(orders.category[tracked], steps)[keep],
    )


def _bot_events(
    rng: np.random.Generator, cookies: Cookies, window: TimeWindow, first_session: int
) -> _Events:
    bots = np.flatnonzero(cookies.bot >= 0)
    count = np.clip(np.round(rng.lognormal(np.log(BOT_MEDIAN_EVENTS), 1.0, len(bots))), 5, 20_000)
    count = count.astype(np.int64)
    bot = np.repeat(np.arange(len(bots)), count)
    first_row = np.concatenate([[0], np.cumsum(count)[:-1]])
    start = window.history_start + rng.random(len(bots)) * (
        window.end - 3 * DAY - window.history_start
    )
    gap = rng.exponential(8.0, len(bot))
    elapsed = np.cumsum(gap)
    at = start[bot] + elapsed - elapsed[first_row[bot]]
    has_session = rng.random(len(bots)) < 0.6
    return _Events(
        cookie=bots[bot],
        at_ms=np.floor(at * 1000).astype(np.int64),
        kind=np.where(rng.random(len(bot)) < 0.65, PAGE_VIEW, PRODUCT_VIEW),
        session=np.where(has_session[bot], first_session + bot, -1),
        first_in_session=np.arange(len(bot)) == first_row[bot],
        record=np.full(len(bot), -1),
        category=rng.integers(0, len(v.PRODUCT_CATEGORIES), len(bot)),
    )


def _render(
    rng: np.random.Generator,
    persons: Persons,
    customers: CustomerRecords,
    cookies: Cookies,
    cookie_id: pa.Array,
    ev: _Events,
) -> pa.Table:
    n = len(ev.cookie)
    person = cookies.person[ev.cookie]
    human_person = np.maximum(person, 0)
    legacy = cookies.legacy[ev.cookie]
    ua_vocab, _, _ = _user_agents()

    event_type = choose(
        legacy.astype(np.int64),
        [
            lambda r: labels.EVENT_TYPE.render_canonical(ev.kind[r]),
            lambda r: labels.LEGACY_EVENT_TYPE.render_canonical(ev.kind[r]),
        ],
    )
    has_category = np.isin(ev.kind, [PRODUCT_VIEW, ADD_TO_CART, PURCHASE])
    n_sessions = int(ev.session.max(initial=-1)) + 1
    session_id = take(random_hex(rng, n_sessions, 16), np.maximum(ev.session, 0))
    no_session = (ev.session < 0) | legacy | (rng.random(n) < MISSING_SESSION_SHARE)
    user_id = customers.customer_id.take(pa.array(np.maximum(ev.record, 0)))

    campaign = np.where(
        rng.random(n_sessions) < UTM_SHARE, rng.integers(0, len(v.UTM_CAMPAIGNS), n_sessions), -1
    )
    row_campaign = np.where(
        ev.first_in_session & (ev.session >= 0) & (person >= 0),
        campaign[np.maximum(ev.session, 0)],
        -1,
    )
    no_utm = row_campaign < 0
    utm = [to_vocab([c[i] for c in v.UTM_CAMPAIGNS]) for i in range(3)]

    zone_minutes = np.where(person >= 0, persons.zone_minutes[human_person], 0)
    zone_rule = np.where(person >= 0, persons.zone_rule[human_person], 0)
    table = pa.table(
        {
            "event_id": uuid4(rng, n),
            "cookie_id": cookie_id.take(pa.array(ev.cookie)),
            "user_id": null_where(user_id, ev.record < 0),
            "email": _form_emails(rng, persons, ev, person),
            "event_type": event_type,
            "page_path": _paths(rng, ev),
            "product_category": null_where(labels.CATEGORY.render(rng, ev.category), ~has_category),
            "session_id": null_where(session_id, no_session),
            "device_type": take(_DEVICES, cookies.device[ev.cookie]),
            "user_agent": take(ua_vocab, cookies.user_agent[ev.cookie]),
            "utm_source": null_where(take(utm[0], np.maximum(row_campaign, 0)), no_utm),
            "utm_medium": null_where(take(utm[1], np.maximum(row_campaign, 0)), no_utm),
            "utm_campaign": null_where(take(utm[2], np.maximum(row_campaign, 0)), no_utm),
            "event_at": _event_times(
                rng, ev.at_ms, cookies.time_style[ev.cookie], zone_minutes, zone_rule
            ),
        }
    )

    delay_ms = np.round(rng.lognormal(np.log(1500), 1.0, n)).astype(np.int64)
    late = rng.random(n) < LATE_SHARE
    delay_ms[late] += rng.integers(DAY * 1000, 5 * DAY * 1000, int(late.sum()))
    received = ev.at_ms + delay_ms
    table = table.append_column("received_at", _utc_millis(received))

    # Re-delivered events: identical payload and event_id, received again later.
    duplicate = np.flatnonzero(rng.random(n) < DUPLICATE_SHARE)
    again = received[duplicate] + rng.integers(60_000, 2 * DAY * 1000, len(duplicate))
    copies = table.take(pa.array(duplicate)).set_column(
        table.schema.get_field_index("received_at"), "received_at", _utc_millis(again)
    )
    return pa.concat_tables([table, copies])


def _utc_millis(ms: np.ndarray) -> pa.Array:
    return format_seconds(ms // 1000, "%Y-%m-%dT%H:%M:%S.%fZ", ms % 1000)


def _form_emails(
    rng: np.random.Generator, persons: Persons, ev: _Events, person: np.ndarray
) -> pa.Array:
    """Emails typed into forms (newsletter, registration, contact)."""
    n = len(ev.kind)
    captured = (ev.kind == FORM_SUBMIT) & (person >= 0) & (rng.random(n) < FORM_EMAIL_SHARE)
    rows = np.flatnonzero(captured)
    source = np.where(rng.random(len(rows)) < 0.8, 1, 2)
    variant = weighted(rng, [60, 5, 15, 20, 0], len(rows))

    def typed(emails_of: Emails) -> Callable[[np.ndarray], pa.Array]:
        def build(r: np.ndarray) -> pa.Array:
            emails = emails_of.take(person[rows[r]])
            return mess.email_variants(
                rng, variant[r], emails.local, emails.domain_text, emails.is_gmail
            )

        return build

    values = choose(source - 1, [typed(persons.email), typed(persons.alt_email)])
    return scatter(repeat(None, n), captured, values)


def _paths(rng: np.random.Generator, ev: _Events) -> pa.Array:
    n = len(ev.kind)
    code = np.select(
        [
            ev.kind == PAGE_VIEW,
            ev.kind == PRODUCT_VIEW,
            ev.kind == ADD_TO_CART,
            ev.kind == CHECKOUT,
            ev.kind == PURCHASE,
        ],
        [np.where(rng.random(n) < 0.3, 1, 0), 2, 3, 4, 5],
        default=6,
    )
    static = to_vocab(list(v.STATIC_PAGES))
    sku = ev.category * 100_000 + rng.integers(1, 100_000, n)
    slug = labels.CATEGORY_SLUGS

    paths = choose(
        code,
        [
            lambda r: take(static, rng.integers(0, len(static), len(r))),
            lambda r: concat("/c/", take(slug, ev.category[r])),
            lambda r: concat("/p/", take(slug, ev.category[r]), "/", digits(sku[r])),
            lambda r: concat("/cart/add?sku=", digits(sku[r])),
            lambda r: repeat("/checkout", len(r)),
            lambda r: repeat("/checkout/confirmation", len(r)),
            lambda r: take(_FORM_PAGES, rng.integers(0, len(_FORM_PAGES), len(r))),
        ],
    )
    # A few absurdly long URLs (crawler traps, pasted search terms).
    long_path = rng.random(n) < LONG_PATH_SHARE
    if long_path.any():
        paths = scatter(paths, long_path, mess.very_long(paths.filter(pa.array(long_path))))
    return paths


def _event_times(
    rng: np.random.Generator,
    at_ms: np.ndarray,
    style: np.ndarray,
    zone_minutes: np.ndarray,
    zone_rule: np.ndarray,
) -> pa.Array:
    seconds, millis = np.divmod(at_ms, 1000)
    offset = utc_offset_minutes(seconds, zone_minutes, zone_rule)
    style = np.where(rng.random(len(at_ms)) < UNPARSEABLE_SHARE, 3, style)
    return choose(
        style,
        [
            lambda r: format_local(seconds[r], offset[r]),
            lambda r: format_local(seconds[r], offset[r], millis=millis[r]),
            lambda r: format_seconds(seconds[r], "%Y-%m-%dT%H:%M:%S.%fZ", millis[r]),
            lambda r: mess.unparseable(rng, len(r)),
        ],
    )

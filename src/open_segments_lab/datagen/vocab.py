"""Built-in vocabularies: names, places, labels and user agents.

The long lists live in package data files beside this module (``vocabulary/``): first,
last and street names one a line, nicknames as ``Name: nick, nick``, states and
cities as CSV; a line starting with ``#`` is a comment. They are read once, with
:mod:`importlib.resources`, when this module is imported. The short lists that
weights or codes index into stay here, next to those weights.

Order matters (codes index into these tuples), so append rather than reorder if
you extend a list. Duplicates in a name list are removed at load time, keeping
the first occurrence.
"""

from __future__ import annotations

import csv
import functools
from importlib import resources
from typing import NamedTuple

from open_segments_lab.datagen.timefmt import DstRule


@functools.cache
def _lines(file_name: str) -> tuple[str, ...]:
    """The lines of a data file, without blank lines and ``#`` comments."""
    text = (
        resources.files(__package__).joinpath("vocabulary", file_name).read_text(encoding="utf-8")
    )
    return tuple(line for line in text.splitlines() if line.strip() and not line.startswith("#"))


def names(list_name: str) -> tuple[str, ...]:
    """A name list, ``vocabulary/<list_name>.txt``, in file order without duplicates."""
    return tuple(dict.fromkeys(_lines(f"{list_name}.txt")))


def nicknames() -> dict[str, tuple[str, ...]]:
    """Formal first name -> its nicknames, from ``vocabulary/nicknames.txt``."""
    pairs = (line.split(":", 1) for line in _lines("nicknames.txt"))
    return {name.strip(): tuple(n.strip() for n in nicks.split(",")) for name, nicks in pairs}


def table(table_name: str) -> list[dict[str, str]]:
    """The rows of ``vocabulary/<table_name>.csv`` (first line: the column names), as text."""
    return list(csv.DictReader(_lines(f"{table_name}.csv")))


# ----------------------------------------------------------------------------- people

FEMALE_FIRST_NAMES = names("female_first_names")

MALE_FIRST_NAMES = names("male_first_names")

UNISEX_FIRST_NAMES = names("unisex_first_names")

LAST_NAMES = names("last_names")

NICKNAMES: dict[str, tuple[str, ...]] = nicknames()

# ----------------------------------------------------------------------------- places

STREET_NAMES = names("street_names")

STREET_TYPES: tuple[tuple[str, str], ...] = (
    ("Street", "St"),
    ("Road", "Rd"),
    ("Avenue", "Ave"),
    ("Drive", "Dr"),
    ("Lane", "Ln"),
    ("Court", "Ct"),
    ("Place", "Pl"),
    ("Crescent", "Cres"),
    ("Parade", "Pde"),
    ("Boulevard", "Blvd"),
    ("Terrace", "Tce"),
    ("Close", "Cl"),
    ("Highway", "Hwy"),
    ("Way", "Wy"),
    ("Grove", "Gr"),
)
STREET_TYPE_WEIGHTS = (30, 20, 12, 8, 4, 5, 5, 4, 2, 2, 2, 2, 1, 2, 1)

STREET_TYPE_MISSPELLINGS: tuple[tuple[str, ...], ...] = (
    ("Str", "Stret", "Steet", "Sreet", "Streeet"),
    ("Raod", "Rod", "Rode", "Rds"),
    ("Av", "Av.", "Avenu", "Avnue", "Aveune"),
    ("Drv", "Dve", "Driv", "Drve"),
    ("La", "Lne", "Lan", "Lnae"),
    ("Crt", "Cour", "Cort", "Crt."),
    ("Plc", "Plce", "Palce", "Pce"),
    ("Cr", "Cresc", "Cresent", "Crescant"),
    ("Pd", "Parde", "Prde", "Parad"),
    ("Bvd", "Blv", "Boulevarde", "Bouleverd"),
    ("Terr", "Ter", "Terace", "Tc"),
    ("Cls", "Clse", "Colse", "Clos"),
    ("Hway", "Highwy", "Hgwy", "Hiway"),
    ("Wa", "Wya", "Wey", "Wy."),
    ("Gve", "Grv", "Grov", "Grve"),
)
"""Non-standard spellings of each street type (same order as ``STREET_TYPES``), for hard noise."""


class Country(NamedTuple):
    code: str
    name: str
    currency: str
    per_aud: float  # units of local currency per AUD
    weight: float
    label_variants: tuple[str, ...]  # how the country appears in messy sources
    phone_digits: int  # digits of a national significant (mobile) number


COUNTRIES: tuple[Country, ...] = (
    Country(
        "AU",
        "Australia",
        "AUD",
        1.00,
        0.60,
        ("AU", "Australia", "AUS", "australia ", "Aus", "AUSTRALIA"),
        9,
    ),
    Country(
        "US",
        "United States",
        "USD",
        0.66,
        0.20,
        ("US", "USA", "United States", "United States of America", "us", "U.S."),
        10,
    ),
    Country(
        "GB",
        "United Kingdom",
        "GBP",
        0.52,
        0.12,
        ("GB", "UK", "United Kingdom", "Great Britain", "England", "uk"),
        10,
    ),
    Country(
        "NZ",
        "New Zealand",
        "NZD",
        1.09,
        0.08,
        ("NZ", "New Zealand", "NZL", "new zealand", "Aotearoa"),
        9,
    ),
)
COUNTRY_CODES = tuple(c.code for c in COUNTRIES)
AU, US, GB, NZ = (COUNTRY_CODES.index(code) for code in ("AU", "US", "GB", "NZ"))


class State(NamedTuple):
    country: str
    code: str
    name: str


STATES: tuple[State, ...] = tuple(
    State(row["country"], row["code"], row["name"]) for row in table("states")
)


class City(NamedTuple):
    country: str
    name: str
    state: str
    postcode: str  # AU/NZ/US: lowest postcode of the city's range; GB: outward codes (space sep)
    standard_minutes: int
    dst: DstRule
    weight: float


CITIES: tuple[City, ...] = tuple(
    City(
        row["country"],
        row["name"],
        row["state"],
        row["postcode"],
        int(row["standard_minutes"]),
        DstRule[row["dst"]],
        float(row["weight"]),
    )
    for row in table("cities")
)

EMAIL_DOMAINS = (
    "gmail.com",
    "outlook.com",
    "hotmail.com",
    "yahoo.com",
    "icloud.com",
    "bigpond.com",
    "optusnet.com.au",
    "yahoo.com.au",
    "aol.com",
    "comcast.net",
    "hotmail.co.uk",
    "btinternet.com",
    "sky.com",
    "yahoo.co.uk",
    "xtra.co.nz",
    "yahoo.co.nz",
    "protonmail.com",
    "live.com.au",
)
"""Free-mail domains; ``EMAIL_DOMAIN_WEIGHTS`` gives one weight row per country."""

EMAIL_DOMAIN_WEIGHTS: dict[str, tuple[float, ...]] = {
    "AU": (35, 12, 8, 3, 10, 12, 5, 7, 0, 0, 0, 0, 0, 0, 0, 0, 2, 6),
    "US": (45, 10, 8, 15, 10, 0, 0, 0, 5, 6, 0, 0, 0, 0, 0, 0, 1, 0),
    "GB": (35, 10, 3, 3, 10, 0, 0, 0, 0, 0, 14, 10, 8, 6, 0, 0, 1, 0),
    "NZ": (40, 10, 8, 3, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 20, 7, 2, 0),
}
GMAIL = 0  # index of gmail.com, whose local part ignores dots

# ----------------------------------------------------------------------------- commerce

PRODUCT_CATEGORIES: tuple[tuple[str, ...], ...] = (
    ("Apparel",),
    ("Footwear",),
    ("Home", "Garden"),
    ("Electronics",),
    ("Beauty",),
    ("Sports", "Outdoors"),
    ("Toys", "Games"),
    ("Books",),
    ("Grocery",),
    ("Pets",),
)
"""Canonical categories as words; label variants are derived in :mod:`mess`."""

CATEGORY_WEIGHTS = (16, 9, 13, 11, 10, 9, 7, 8, 11, 6)

INTERESTS = (
    "travel",
    "cooking",
    "fitness",
    "fashion",
    "home_decor",
    "gardening",
    "technology",
    "gaming",
    "outdoors",
    "pets",
    "beauty",
    "sports",
    "music",
    "books",
    "parenting",
    "wine",
)
# Interest most associated with each product category (same order as PRODUCT_CATEGORIES).
CATEGORY_INTEREST = (3, 2, 5, 6, 10, 11, 14, 13, 1, 9)

AGE_BANDS = (
    ("18-24", 18, 24),
    ("25-34", 25, 34),
    ("35-44", 35, 44),
    ("45-54", 45, 54),
    ("55-64", 55, 64),
    ("65+", 65, 200),
)
INCOME_BANDS = ("<$50k", "$50k-$100k", "$100k-$150k", "$150k-$250k", "$250k+")

# ----------------------------------------------------------------------------- web

DEVICE_TYPES = ("desktop", "mobile", "tablet")

USER_AGENTS: tuple[tuple[str, ...], ...] = (
    (  # desktop
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/129.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/129.0.0.0 Safari/537.36 Edg/129.0.0.0",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.6 Safari/605.1.15",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.6; rv:131.0) Gecko/20100101 Firefox/131.0",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/128.0.0.0 Safari/537.36",
    ),
    (  # mobile
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/129.0.0.0 Mobile Safari/537.36",
        "Mozilla/5.0 (Linux; Android 14; SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) "
        "SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36",
        "ShopApp/5.12.0 (iPhone; iOS 17.6; Scale/3.00)",
        "ShopApp/5.11.2 (Android 14; SM-A546E)",
    ),
    (  # tablet
        "Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.6 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/129.0.0.0 Safari/537.36",
    ),
)

BOT_USER_AGENTS = (
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
    "Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "HeadlessChrome/129.0.0.0 Safari/537.36",
    "Mozilla/5.0 (compatible; PriceMonitor crawler/3.1; +https://example.net/crawler)",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php) crawler",
)

STATIC_PAGES = (
    "/",
    "/",
    "/",
    "/home",
    "/sale",
    "/new-arrivals",
    "/search?q=gift",
    "/search?q=shoes",
    "/stores",
    "/about",
    "/blog/spring-trends",
    "/blog/gift-guide",
    "/account",
    "/wishlist",
    "/help/shipping",
    "/help/returns",
)

UTM_CAMPAIGNS: tuple[tuple[str, str, str], ...] = (
    ("google", "cpc", "brand_search"),
    ("google", "cpc", "generic_search"),
    ("facebook", "paid_social", "retargeting"),
    ("instagram", "paid_social", "new_season"),
    ("tiktok", "paid_social", "creator_collab"),
    ("newsletter", "email", "weekly_digest"),
    ("newsletter", "email", "promo"),
    ("bing", "cpc", "brand_search"),
    ("affiliate_network", "affiliate", "cashback"),
    ("google", "organic", "(not set)"),
)

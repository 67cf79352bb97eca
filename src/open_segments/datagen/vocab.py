"""Built-in vocabularies: names, places, labels and user agents.

Pure data.  Order matters (codes index into these tuples), so append rather
than reorder if you extend a list.  Duplicates are removed at import time by
``_unique`` while preserving the first occurrence.
"""

from __future__ import annotations

from typing import NamedTuple

from open_segments.datagen.timefmt import DstRule


def _unique(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


# ----------------------------------------------------------------------------- people

FEMALE_FIRST_NAMES = _unique((
    "Olivia", "Charlotte", "Amelia", "Isla", "Mia", "Ava", "Grace", "Chloe", "Chloé", "Zoe",
    "Zoë", "Emily", "Sophie", "Sophia", "Ella", "Ruby", "Lily", "Matilda", "Harper", "Evie",
    "Isabella", "Isabelle", "Sienna", "Willow", "Hannah", "Sarah", "Jessica", "Emma", "Lucy",
    "Georgia", "Madison", "Madeline", "Abigail", "Ashley", "Jennifer", "Elizabeth", "Katherine",
    "Catherine", "Margaret", "Patricia", "Rebecca", "Victoria", "Samantha", "Alexandra",
    "Stephanie", "Deborah", "Susan", "Kimberly", "Penelope", "Jacqueline", "Francesca",
    "Gabrielle", "Natalie", "Rachel", "Laura", "Megan", "Amy", "Claire", "Fiona", "Helen",
    "Karen", "Linda", "Barbara", "Nancy", "Lisa", "Michelle", "Melissa", "Nicole", "Danielle",
    "Kelly", "Julia", "Anna", "Leah", "Tahlia", "Jasmine", "Maya", "Aaliyah", "Priya", "Ananya",
    "Mei", "Ling", "Yuki", "Hana", "Ji-woo", "Thảo", "Linh", "Ngọc", "Siobhán", "Aoife", "Niamh",
    "Saoirse", "Máire", "Renée", "Noémie", "Léa", "Inès", "Maëlle", "Ingrid", "Astrid", "Freya",
    "Sofía", "Lucía", "María", "Valentina", "Camila", "Ximena", "Aroha", "Mere", "Ngaio",
    "Kahurangi", "Anahera", "Mackenzie", "Brooke", "Paige", "Jade", "Kayla", "Taylor", "Bridget",
    "Ruth", "Joan", "Dorothy", "Beverley", "Judith", "Gwen", "Eleanor", "Florence", "Harriet",
    "Imogen", "Phoebe", "Poppy", "Rosie", "Scarlett", "Violet", "Audrey", "Stella", "Hazel",
    "Aria", "Eloise", "Layla", "Zara", "Esther", "Naomi", "Miriam", "Fatima", "Aisha", "Amira",
    "Yasmin", "Olga", "Katarzyna", "Małgorzata", "Agnieszka", "Zsófia", "Anne-Marie", "Mary-Jane",
    "Kate", "Molly", "Holly", "Erin", "Caitlin", "Tegan", "Shannon", "Kylie", "Tracey", "Leanne",
    "Cheryl", "Wendy", "Donna", "Sharon", "Angela", "Heather", "Christine", "Jane", "Alice",
    "Evelyn", "Adelaide", "Ivy", "Mila", "Luna", "Elena", "Nina", "Tamsin", "Bronwyn", "Delphine",
))

MALE_FIRST_NAMES = _unique((
    "Oliver", "Noah", "Jack", "William", "Leo", "Lucas", "Thomas", "Henry", "Charlie", "James",
    "Robert", "Michael", "Christopher", "Daniel", "Matthew", "Anthony", "Joseph", "Jonathan",
    "Alexander", "Benjamin", "Nicholas", "Samuel", "Andrew", "Edward", "Charles", "Timothy",
    "Gregory", "Kenneth", "Steven", "Peter", "Lachlan", "Frederick", "Harrison", "Joshua",
    "Nathan", "Theodore", "Zachary", "Richard", "David", "John", "Mark", "Paul", "Brian", "Kevin",
    "Jason", "Ryan", "Jacob", "Ethan", "Liam", "Mason", "Logan", "Elijah", "Aiden", "Cooper",
    "Hudson", "Archie", "Hunter", "Riley", "Xavier", "Isaac", "Levi", "Max", "Harry", "Oscar",
    "Finn", "Declan", "Connor", "Patrick", "Sean", "Seán", "Ciarán", "Eoin", "Dylan", "Tyler",
    "Brandon", "Justin", "Aaron", "Adam", "Luke", "Jake", "Callum", "Angus", "Hamish", "Fergus",
    "Rhys", "Owen", "Gareth", "Dafydd", "José", "Jose", "Juan", "Carlos", "Luis", "Diego",
    "Mateo", "Alejandro", "Andrés", "Sebastián", "François", "Étienne", "Jérôme", "Rémi", "Søren",
    "Björn", "Lars", "Nils", "Jürgen", "Günter", "Łukasz", "Piotr", "Tomasz", "Wojciech", "Ivan",
    "Dmitri", "Nikolai", "Wei", "Jun", "Hiroshi", "Kenji", "Takumi", "Min-jun", "Seo-jun",
    "Minh", "Quang", "Dũng", "Huy", "Arjun", "Rohan", "Vikram", "Rahul", "Mohammed", "Ahmed",
    "Omar", "Ali", "Yusuf", "Hemi", "Hēmi", "Wiremu", "Tama", "Rawiri", "Nikau", "Tane",
    "Malakai", "Sione", "Tevita", "Kwame", "Kofi", "Chidi", "Jean-Luc", "Bob", "Bill", "Gary",
    "Wayne", "Craig", "Darren", "Shane", "Brett", "Troy", "Glenn", "Keith", "Graham", "Ian",
    "Neil", "Stuart", "Colin", "Trevor", "Barry", "Bruce", "Dean", "Scott", "Kyle", "Jordan",
    "Blake", "Jayden", "Flynn", "Arlo", "Ezra", "Felix", "Hugo", "Jasper", "Louis", "Milo",
))

UNISEX_FIRST_NAMES = _unique((
    "Alex", "Sam", "Jamie", "Jordan", "Taylor", "Riley", "Charlie", "Morgan", "Casey", "Quinn",
    "Robin", "Kai", "Rowan", "Ashley", "Frankie", "Sasha", "Jesse", "Ari", "Remy", "Eden",
))

LAST_NAMES = _unique((
    "Smith", "Jones", "Williams", "Brown", "Wilson", "Taylor", "Johnson", "White", "Martin",
    "Anderson", "Thompson", "Nguyen", "Nguyễn", "Tran", "Trần", "Le", "Lê", "Pham", "Phạm",
    "Thomas", "Walker", "Harris", "Lee", "Ryan", "Robinson", "Kelly", "King", "Davis", "Wright",
    "Evans", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke", "Clark", "Patel", "Khan",
    "Singh", "Kaur", "Sharma", "Gupta", "Chen", "Wang", "Li", "Zhang", "Liu", "Yang", "Huang",
    "Zhao", "Wu", "Zhou", "Xu", "Kim", "Park", "Choi", "Jung", "Kang", "Tanaka", "Suzuki", "Sato",
    "Watanabe", "Ito", "Yamamoto", "O'Brien", "O'Connor", "O'Neill", "O'Sullivan", "O'Reilly",
    "D'Souza", "D'Angelo", "McDonald", "MacDonald", "McKenzie", "Mackenzie", "McLeod", "Murphy",
    "Byrne", "Walsh", "Doyle", "Gallagher", "Fitzgerald", "Smith-Jones", "Taylor-Brown",
    "Harris-Wong", "Bennett", "Cooper", "Hughes", "Edwards", "Turner", "Collins", "Stewart",
    "Morris", "Murray", "Cook", "Rogers", "Morgan", "Peterson", "Gray", "Ramirez", "James",
    "Watson", "Brooks", "Sanders", "Price", "Bailey", "Bell", "Howard", "Ward", "Cox",
    "Richardson", "Mitchell", "Carter", "Phillips", "Campbell", "Parker", "Young", "Allen",
    "Hill", "Scott", "Adams", "Baker", "Nelson", "Hernández", "Hernandez", "García", "Garcia",
    "Martínez", "Martinez", "Rodríguez", "Rodriguez", "López", "Lopez", "González", "Gonzalez",
    "Pérez", "Perez", "Sánchez", "Núñez", "Muñoz", "Müller", "Mueller", "Schmidt", "Schneider",
    "Fischer", "Weber", "Wagner", "Becker", "Schäfer", "Hoffmann", "Jensen", "Nielsen", "Hansen",
    "Andersen", "Larsen", "Johansson", "Lindqvist", "Kowalski", "Nowak", "Wiśniewski", "Wójcik",
    "Kowalczyk", "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo",
    "Ricci", "Costa", "Silva", "Santos", "Oliveira", "Souza", "Pereira", "Ferreira", "Dubois",
    "Lefèvre", "Moreau", "Laurent", "Girard", "Bonnet", "Rousseau", "Papadopoulos", "Georgiou",
    "Nikolaidis", "Ivanov", "Petrov", "Smirnov", "Kuznetsov", "Popov", "Cohen", "Levi",
    "Friedman", "Ali", "Ahmed", "Hussain", "Rahman", "Hassan", "Ibrahim", "Mohamed", "Te Whiu",
    "Ngata", "Tipene", "Parata", "Fonoti", "Tuilagi", "Fifita", "Taufa", "Mahe", "Okafor",
    "Okonkwo", "Mensah", "Boateng", "Adeyemi", "Reddy", "Rao", "Iyer", "Menon", "Nair", "Das",
    "Bose", "Banerjee", "Mukherjee", "Chatterjee", "Wong", "Chan", "Ng", "Lam", "Leung",
    "Cheung", "Ho", "Tan", "Lim", "Goh", "Teo", "Ong", "Sim", "Yeo", "Koh", "Fraser", "Grant",
    "Hamilton", "Graham", "Reid", "Ross", "Kerr", "Ferguson", "Hunter", "Duncan", "Sinclair",
    "Bishop", "Fletcher", "Chapman", "Webb", "Marshall", "Lawson", "Barnes", "Fox", "Hayes",
    "Dixon", "Hart", "Harvey", "Knight", "Lane", "Mills", "Moore", "Owen", "Palmer", "Pearce",
    "Pearson", "Rose", "Shaw", "Simpson", "Spencer", "Stone", "Wallace", "Warren", "Wells",
    "West", "Austin", "Bond", "Burke", "Burns", "Cameron", "Craig", "Curtis", "Dunn", "Ellis",
    "Ford", "Gibson", "Gordon", "Holmes", "Jenkins", "Kennedy", "Lewis", "Lloyd", "Matthews",
    "Mason", "Nash", "Newton", "Page", "Porter", "Powell", "Quinn", "Russell", "Saunders",
    "Stevens", "Sullivan", "Vaughan", "Walters", "Watts", "Wheeler", "Woods", "van der Berg",
    "de Jong", "van Dijk", "De Luca", "Di Stefano", "St. John", "ten Brink", "Ó Súilleabháin",
))

NICKNAMES: dict[str, tuple[str, ...]] = {
    "Robert": ("Bob", "Rob"), "William": ("Bill", "Will"), "Elizabeth": ("Liz", "Beth"),
    "Katherine": ("Kate", "Kathy"), "Catherine": ("Cathy", "Cate"), "Margaret": ("Maggie", "Peggy"),
    "Richard": ("Rick", "Rich"), "James": ("Jim", "Jimmy"), "Michael": ("Mike", "Mick"),
    "Christopher": ("Chris", "Kit"), "Jennifer": ("Jen", "Jenny"), "Thomas": ("Tom", "Tommy"),
    "Daniel": ("Dan", "Danny"), "Matthew": ("Matt",), "Anthony": ("Tony", "Ant"),
    "Joseph": ("Joe", "Joey"), "Jonathan": ("Jon", "Jono"), "Alexander": ("Alex", "Xander"),
    "Benjamin": ("Ben", "Benji"), "Nicholas": ("Nick", "Nico"), "Samuel": ("Sam", "Sammy"),
    "Andrew": ("Andy", "Drew"), "Patricia": ("Pat", "Trish"), "Rebecca": ("Becky", "Bec"),
    "Jessica": ("Jess",), "Victoria": ("Vicky", "Tori"), "Samantha": ("Sam", "Sammy"),
    "Alexandra": ("Alex", "Lexi"), "Charlotte": ("Charlie", "Lottie"), "Deborah": ("Deb", "Debbie"),
    "Susan": ("Sue", "Suzy"), "Stephanie": ("Steph",), "Zachary": ("Zach",),
    "Edward": ("Ed", "Ted"), "Charles": ("Charlie", "Chuck"), "Timothy": ("Tim", "Timmy"),
    "Gregory": ("Greg",), "Kenneth": ("Ken", "Kenny"), "Steven": ("Steve",), "Peter": ("Pete",),
    "Lachlan": ("Lachie",), "Frederick": ("Fred", "Freddie"), "Harrison": ("Harry",),
    "Joshua": ("Josh",), "Nathan": ("Nate",), "Abigail": ("Abby", "Gail"),
    "Madeline": ("Maddie",), "Isabella": ("Bella", "Izzy"), "Gabrielle": ("Gabby", "Elle"),
    "Kimberly": ("Kim",), "Penelope": ("Penny",), "Theodore": ("Theo", "Ted"),
    "Oliver": ("Ollie",), "Francesca": ("Fran", "Frankie"), "Jacqueline": ("Jackie",),
    "Eleanor": ("Ellie", "Nell"), "Florence": ("Flo",), "Harriet": ("Hattie",),
    "Dorothy": ("Dot",), "Christine": ("Chris", "Tina"),
    "Matilda": ("Tilly",), "Evelyn": ("Evie",), "Jasmine": ("Jas",), "Natalie": ("Nat",),
    "Angela": ("Angie",), "Sebastián": ("Seba",), "Alejandro": ("Ale",), "Mohammed": ("Mo",),
    "Dmitri": ("Dima",), "Nikolai": ("Kolya",), "Wiremu": ("Wiri",), "José": ("Pepe",),
}

# ----------------------------------------------------------------------------- places

STREET_NAMES = _unique((
    "George", "King", "Queen", "Victoria", "Church", "High", "Station", "Park", "Main", "Oak",
    "Maple", "Elm", "Smith", "Bourke", "Collins", "Elizabeth", "Pitt", "Flinders", "Lonsdale",
    "Swanston", "Chapel", "Glen Huntly", "Wattle", "Banksia", "Acacia", "Jacaranda", "Kōwhai",
    "Mill", "Bridge", "River", "Hill", "Beach", "Ocean", "Lake", "Forest", "Cedar", "Pine",
    "Willow", "Birch", "Cherry", "Spring", "Sunset", "Highland", "Franklin", "Washington",
    "Lincoln", "Jefferson", "Madison", "Adams", "Jackson", "Monroe", "Wilson", "Baker", "Abbey",
    "Albert", "Alexandra", "Windsor", "York", "Cambridge", "Oxford", "Regent", "Marine",
    "Ponsonby", "Karangahape", "Cuba", "Lambton", "Willis", "Colombo", "Riccarton",
    "Great North", "Dominion", "Anzac", "Hume", "Pacific", "Botany", "Military", "Sydney",
    "Canterbury", "Nepean", "Stirling", "Hay", "Murray", "Rundle", "Gouger", "Brunswick",
    "Lygon", "Toorak", "Punt", "Commercial", "Ann", "Adelaide", "Boundary", "Logan", "Wickham",
    "O'Connell", "St Kilda", "Broadway", "Market", "Grove", "Orchard", "Meadow", "Valley",
    "Ridge", "Harbour", "Esplanade", "Railway", "School", "Hospital", "Cemetery", "Rose",
))

STREET_TYPES: tuple[tuple[str, str], ...] = (
    ("Street", "St"), ("Road", "Rd"), ("Avenue", "Ave"), ("Drive", "Dr"), ("Lane", "Ln"),
    ("Court", "Ct"), ("Place", "Pl"), ("Crescent", "Cres"), ("Parade", "Pde"),
    ("Boulevard", "Blvd"), ("Terrace", "Tce"), ("Close", "Cl"), ("Highway", "Hwy"),
    ("Way", "Wy"), ("Grove", "Gr"),
)
STREET_TYPE_WEIGHTS = (30, 20, 12, 8, 4, 5, 5, 4, 2, 2, 2, 2, 1, 2, 1)


class Country(NamedTuple):
    code: str
    name: str
    currency: str
    per_aud: float  # units of local currency per AUD
    weight: float
    label_variants: tuple[str, ...]  # how the country appears in messy sources
    phone_digits: int  # digits of a national significant (mobile) number


COUNTRIES: tuple[Country, ...] = (
    Country("AU", "Australia", "AUD", 1.00, 0.60,
            ("AU", "Australia", "AUS", "australia ", "Aus", "AUSTRALIA"), 9),
    Country("US", "United States", "USD", 0.66, 0.20,
            ("US", "USA", "United States", "United States of America", "us", "U.S."), 10),
    Country("GB", "United Kingdom", "GBP", 0.52, 0.12,
            ("GB", "UK", "United Kingdom", "Great Britain", "England", "uk"), 10),
    Country("NZ", "New Zealand", "NZD", 1.09, 0.08,
            ("NZ", "New Zealand", "NZL", "new zealand", "Aotearoa"), 9),
)
COUNTRY_CODES = tuple(c.code for c in COUNTRIES)
AU, US, GB, NZ = (COUNTRY_CODES.index(code) for code in ("AU", "US", "GB", "NZ"))


class State(NamedTuple):
    country: str
    code: str
    name: str


STATES: tuple[State, ...] = (
    State("AU", "NSW", "New South Wales"), State("AU", "VIC", "Victoria"),
    State("AU", "QLD", "Queensland"), State("AU", "WA", "Western Australia"),
    State("AU", "SA", "South Australia"), State("AU", "TAS", "Tasmania"),
    State("AU", "ACT", "Australian Capital Territory"), State("AU", "NT", "Northern Territory"),
    State("US", "NY", "New York"), State("US", "CA", "California"), State("US", "WA", "Washington"),
    State("US", "OR", "Oregon"), State("US", "IL", "Illinois"), State("US", "TX", "Texas"),
    State("US", "AZ", "Arizona"), State("US", "CO", "Colorado"), State("US", "FL", "Florida"),
    State("US", "GA", "Georgia"), State("US", "MA", "Massachusetts"),
    State("US", "PA", "Pennsylvania"), State("US", "DC", "District of Columbia"),
    State("US", "MN", "Minnesota"), State("US", "TN", "Tennessee"),
    State("GB", "LND", "Greater London"), State("GB", "MAN", "Greater Manchester"),
    State("GB", "WMD", "West Midlands"), State("GB", "WYK", "West Yorkshire"),
    State("GB", "SCT", "Scotland"), State("GB", "BST", "Bristol"), State("GB", "MSY", "Merseyside"),
    State("GB", "WLS", "Wales"), State("GB", "NIR", "Northern Ireland"),
    State("GB", "CAM", "Cambridgeshire"), State("GB", "OXF", "Oxfordshire"),
    State("GB", "ESX", "East Sussex"),
    State("NZ", "AUK", "Auckland"), State("NZ", "WGN", "Wellington"),
    State("NZ", "CAN", "Canterbury"), State("NZ", "WKO", "Waikato"),
    State("NZ", "BOP", "Bay of Plenty"), State("NZ", "OTA", "Otago"),
    State("NZ", "MWT", "Manawatū-Whanganui"), State("NZ", "HKB", "Hawke's Bay"),
    State("NZ", "NSN", "Nelson"),
)


class City(NamedTuple):
    country: str
    name: str
    state: str
    postcode: str  # AU/NZ: the postcode; US: lowest ZIP of a range; GB: outward codes (space sep)
    standard_minutes: int
    dst: DstRule
    weight: float


_AU, _NZ, _US, _EU = DstRule.AU_SOUTH, DstRule.NZ, DstRule.US, DstRule.EU
_NO = DstRule.NONE

CITIES: tuple[City, ...] = (
    City("AU", "Sydney", "NSW", "2000", 600, _AU, 9),
    City("AU", "Parramatta", "NSW", "2150", 600, _AU, 3),
    City("AU", "Bondi", "NSW", "2026", 600, _AU, 2),
    City("AU", "Manly", "NSW", "2095", 600, _AU, 1.5),
    City("AU", "Chatswood", "NSW", "2067", 600, _AU, 1.5),
    City("AU", "Newcastle", "NSW", "2300", 600, _AU, 2),
    City("AU", "Wollongong", "NSW", "2500", 600, _AU, 1.5),
    City("AU", "Melbourne", "VIC", "3000", 600, _AU, 8),
    City("AU", "Fitzroy", "VIC", "3065", 600, _AU, 1.5),
    City("AU", "St Kilda", "VIC", "3182", 600, _AU, 1.5),
    City("AU", "Richmond", "VIC", "3121", 600, _AU, 1.5),
    City("AU", "Geelong", "VIC", "3220", 600, _AU, 1.5),
    City("AU", "Ballarat", "VIC", "3350", 600, _AU, 1),
    City("AU", "Bendigo", "VIC", "3550", 600, _AU, 1),
    City("AU", "Brisbane", "QLD", "4000", 600, _NO, 6),
    City("AU", "Fortitude Valley", "QLD", "4006", 600, _NO, 1),
    City("AU", "Southport", "QLD", "4215", 600, _NO, 1.5),
    City("AU", "Gold Coast", "QLD", "4217", 600, _NO, 1.5),
    City("AU", "Maroochydore", "QLD", "4558", 600, _NO, 1),
    City("AU", "Townsville", "QLD", "4810", 600, _NO, 1),
    City("AU", "Cairns", "QLD", "4870", 600, _NO, 1),
    City("AU", "Perth", "WA", "6000", 480, _NO, 5),
    City("AU", "Subiaco", "WA", "6008", 480, _NO, 1),
    City("AU", "Fremantle", "WA", "6160", 480, _NO, 1),
    City("AU", "Adelaide", "SA", "5000", 570, _AU, 3.5),
    City("AU", "Glenelg", "SA", "5045", 570, _AU, 1),
    City("AU", "Hobart", "TAS", "7000", 600, _AU, 1.5),
    City("AU", "Launceston", "TAS", "7250", 600, _AU, 0.8),
    City("AU", "Canberra", "ACT", "2600", 600, _AU, 1.5),
    City("AU", "Darwin", "NT", "0800", 570, _NO, 0.8),
    City("AU", "Alice Springs", "NT", "0870", 570, _NO, 0.3),
    City("US", "New York", "NY", "10001", -300, _US, 8),
    City("US", "Brooklyn", "NY", "11201", -300, _US, 4),
    City("US", "Los Angeles", "CA", "90001", -480, _US, 7),
    City("US", "San Francisco", "CA", "94102", -480, _US, 3),
    City("US", "San Diego", "CA", "92101", -480, _US, 3),
    City("US", "Seattle", "WA", "98101", -480, _US, 3),
    City("US", "Portland", "OR", "97201", -480, _US, 2),
    City("US", "Chicago", "IL", "60601", -360, _US, 5),
    City("US", "Houston", "TX", "77001", -360, _US, 4),
    City("US", "Austin", "TX", "78701", -360, _US, 2.5),
    City("US", "Dallas", "TX", "75201", -360, _US, 3),
    City("US", "Phoenix", "AZ", "85001", -420, _NO, 3),
    City("US", "Denver", "CO", "80201", -420, _US, 2.5),
    City("US", "Miami", "FL", "33101", -300, _US, 3),
    City("US", "Atlanta", "GA", "30301", -300, _US, 3),
    City("US", "Boston", "MA", "02108", -300, _US, 3),
    City("US", "Philadelphia", "PA", "19102", -300, _US, 3),
    City("US", "Washington", "DC", "20001", -300, _US, 2),
    City("US", "Minneapolis", "MN", "55401", -360, _US, 2),
    City("US", "Nashville", "TN", "37201", -360, _US, 2),
    City("GB", "London", "LND", "SW1A E1 N1 W1D SE1 NW3 EC1A SW11 E14 W2", 0, _EU, 12),
    City("GB", "Manchester", "MAN", "M1 M4 M14 M20", 0, _EU, 3),
    City("GB", "Birmingham", "WMD", "B1 B5 B15", 0, _EU, 3),
    City("GB", "Leeds", "WYK", "LS1 LS6 LS11", 0, _EU, 2),
    City("GB", "Glasgow", "SCT", "G1 G12 G41", 0, _EU, 2),
    City("GB", "Edinburgh", "SCT", "EH1 EH3 EH10", 0, _EU, 2),
    City("GB", "Bristol", "BST", "BS1 BS6 BS8", 0, _EU, 1.5),
    City("GB", "Liverpool", "MSY", "L1 L8 L17", 0, _EU, 1.5),
    City("GB", "Cardiff", "WLS", "CF10 CF11 CF24", 0, _EU, 1),
    City("GB", "Belfast", "NIR", "BT1 BT7 BT9", 0, _EU, 1),
    City("GB", "Cambridge", "CAM", "CB1 CB2 CB4", 0, _EU, 0.8),
    City("GB", "Oxford", "OXF", "OX1 OX2 OX4", 0, _EU, 0.8),
    City("GB", "Brighton", "ESX", "BN1 BN2 BN3", 0, _EU, 1),
    City("NZ", "Auckland", "AUK", "1010", 720, _NZ, 8),
    City("NZ", "Ponsonby", "AUK", "1011", 720, _NZ, 1),
    City("NZ", "Wellington", "WGN", "6011", 720, _NZ, 3),
    City("NZ", "Christchurch", "CAN", "8011", 720, _NZ, 3),
    City("NZ", "Hamilton", "WKO", "3204", 720, _NZ, 1.5),
    City("NZ", "Tauranga", "BOP", "3110", 720, _NZ, 1.2),
    City("NZ", "Dunedin", "OTA", "9016", 720, _NZ, 1),
    City("NZ", "Palmerston North", "MWT", "4410", 720, _NZ, 0.7),
    City("NZ", "Napier", "HKB", "4110", 720, _NZ, 0.6),
    City("NZ", "Nelson", "NSN", "7010", 720, _NZ, 0.5),
    City("NZ", "Queenstown", "OTA", "9300", 720, _NZ, 0.5),
    City("NZ", "Rotorua", "BOP", "3010", 720, _NZ, 0.5),
)

EMAIL_DOMAINS = (
    "gmail.com", "outlook.com", "hotmail.com", "yahoo.com", "icloud.com", "bigpond.com",
    "optusnet.com.au", "yahoo.com.au", "aol.com", "comcast.net", "hotmail.co.uk", "btinternet.com",
    "sky.com", "yahoo.co.uk", "xtra.co.nz", "yahoo.co.nz", "protonmail.com", "live.com.au",
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
    ("Apparel",), ("Footwear",), ("Home", "Garden"), ("Electronics",), ("Beauty",),
    ("Sports", "Outdoors"), ("Toys", "Games"), ("Books",), ("Grocery",), ("Pets",),
)
"""Canonical categories as words; label variants are derived in :mod:`mess`."""

CATEGORY_WEIGHTS = (16, 9, 13, 11, 10, 9, 7, 8, 11, 6)

INTERESTS = (
    "travel", "cooking", "fitness", "fashion", "home_decor", "gardening", "technology", "gaming",
    "outdoors", "pets", "beauty", "sports", "music", "books", "parenting", "wine",
)
# Interest most associated with each product category (same order as PRODUCT_CATEGORIES).
CATEGORY_INTEREST = (3, 2, 5, 6, 10, 11, 14, 13, 1, 9)

AGE_BANDS = (("18-24", 18, 24), ("25-34", 25, 34), ("35-44", 35, 44), ("45-54", 45, 54),
             ("55-64", 55, 64), ("65+", 65, 200))
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
    "/", "/", "/", "/home", "/sale", "/new-arrivals", "/search?q=gift", "/search?q=shoes",
    "/stores", "/about", "/blog/spring-trends", "/blog/gift-guide", "/account", "/wishlist",
    "/help/shipping", "/help/returns",
)

UTM_CAMPAIGNS: tuple[tuple[str, str, str], ...] = (
    ("google", "cpc", "brand_search"), ("google", "cpc", "generic_search"),
    ("facebook", "paid_social", "retargeting"), ("instagram", "paid_social", "new_season"),
    ("tiktok", "paid_social", "creator_collab"), ("newsletter", "email", "weekly_digest"),
    ("newsletter", "email", "promo"), ("bing", "cpc", "brand_search"),
    ("affiliate_network", "affiliate", "cashback"), ("google", "organic", "(not set)"),
)

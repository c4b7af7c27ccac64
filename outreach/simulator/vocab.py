"""Word lists the synthetic population is drawn from (all invented; no real people or companies)."""

FIRST_NAMES = [
    "Anna", "Ben", "Chiara", "Daniel", "Elena", "Farid", "Grace", "Hiroshi", "Ines", "Jonas",
    "Kavya", "Liam", "Maya", "Nikolai", "Olivia", "Pedro", "Qing", "Rafael", "Sofia", "Tomás",
    "Uma", "Victor", "Wen", "Ximena", "Yusuf", "Zoe", "Amara", "Bruno", "Camille", "Diego",
    "Emma", "Felix", "Giulia", "Hannah", "Ivan", "Julia", "Kenji", "Lara", "Marco", "Nadia",
    "Oscar", "Priya", "Rhys", "Sara", "Theo", "Valentina", "William", "Yara", "Adrian", "Beatriz",
    "Carlos", "Dana", "Erik", "Fatima", "Gabriel", "Helena", "Isaac", "Jasmine", "Karim", "Leonie",
    "Mateo", "Noor", "Paul", "Rosa", "Samuel", "Tara", "Vera", "Aisha", "Lukas", "Mei",
]  # fmt: skip

LAST_NAMES = [
    "Andersen", "Bauer", "Costa", "Dubois", "Eriksson", "Fischer", "García", "Hoffmann", "Ivanova",
    "Jensen", "Kowalski", "Lambert", "Moreau", "Nakamura", "Okafor", "Petrov", "Quinn", "Rossi",
    "Schmidt", "Tanaka", "Usman", "Varga", "Weber", "Xu", "Yilmaz", "Zimmermann", "Almeida", "Brennan",
    "Chen", "Dimitrov", "Esposito", "Ferreira", "Gupta", "Haddad", "Ishikawa", "Jovanović", "Kim",
    "López", "Müller", "Novak", "O'Connor", "Patel", "Ramírez", "Silva", "Thompson", "Van Dijk",
    "Wright", "Young", "Adeyemi", "Bianchi", "Carter", "Dvořák", "Fontaine", "Horvat", "Lindqvist",
    "Mendes", "Nguyen", "Park", "Santos", "Kaur",
]  # fmt: skip

# (display name, country name, ISO code lower-case, geo id of the city, geo id of the country)
LOCATIONS = [
    ("Berlin, Berlin, Germany", "Germany", "de", 106967730, 101282230),
    ("Munich, Bavaria, Germany", "Germany", "de", 100477049, 101282230),
    ("London, England, United Kingdom", "United Kingdom", "gb", 102257491, 101165590),
    ("Manchester, England, United Kingdom", "United Kingdom", "gb", 102943586, 101165590),
    ("Paris, Île-de-France, France", "France", "fr", 101240143, 105015875),
    ("Amsterdam, North Holland, Netherlands", "Netherlands", "nl", 102011674, 102890719),
    ("Madrid, Community of Madrid, Spain", "Spain", "es", 100994331, 105646813),
    ("Barcelona, Catalonia, Spain", "Spain", "es", 105088894, 105646813),
    ("Milan, Lombardy, Italy", "Italy", "it", 102873511, 103350119),
    ("Stockholm, Stockholm County, Sweden", "Sweden", "se", 100907646, 105117694),
    ("Warsaw, Mazowieckie, Poland", "Poland", "pl", 105076658, 105072130),
    ("Lisbon, Lisbon, Portugal", "Portugal", "pt", 105048278, 100364837),
    ("Dublin, County Dublin, Ireland", "Ireland", "ie", 105178154, 104738515),
    ("Zurich, Zurich, Switzerland", "Switzerland", "ch", 102436504, 106693272),
    ("New York, New York, United States", "United States", "us", 102571732, 103644278),
    ("San Francisco, California, United States", "United States", "us", 102277331, 103644278),
    ("Austin, Texas, United States", "United States", "us", 104472865, 103644278),
    ("Boston, Massachusetts, United States", "United States", "us", 102380872, 103644278),
    ("Toronto, Ontario, Canada", "Canada", "ca", 100025096, 101174742),
    ("São Paulo, São Paulo, Brazil", "Brazil", "br", 105871508, 106057199),
    ("Bengaluru, Karnataka, India", "India", "in", 105214831, 102713980),
    ("Singapore", "Singapore", "sg", 102454443, 102454443),
    ("Sydney, New South Wales, Australia", "Australia", "au", 104769905, 101452733),
    ("Tokyo, Tokyo, Japan", "Japan", "jp", 103689695, 101355337),
]

# (industry id, name)
INDUSTRIES = {
    "software": (4, "Software Development"),
    "it": (96, "IT Services and IT Consulting"),
    "marketing": (80, "Advertising Services"),
    "finance": (43, "Financial Services"),
    "health": (14, "Hospitals and Health Care"),
    "retail": (27, "Retail"),
    "education": (68, "Higher Education"),
    "manufacturing": (55, "Machinery Manufacturing"),
    "consulting": (11, "Business Consulting and Services"),
    "food": (34, "Food and Beverage Services"),
}

# (company name, industry key, what it does) — invented names
COMPANIES = [
    ("Cloudwise", "software", "B2B SaaS for cloud cost analytics"),
    ("Datapine Labs", "software", "a SaaS data platform for retail analytics"),
    ("Flowbase", "software", "workflow automation SaaS for finance teams"),
    ("Ledgerly", "software", "SaaS accounting for small businesses"),
    ("Pipewave", "software", "a sales engagement SaaS platform"),
    ("Metricly AI", "software", "AI-driven product analytics SaaS"),
    ("Stackforge", "software", "developer tooling and CI SaaS"),
    ("Nimbus HR", "software", "HR and payroll SaaS for Europe"),
    ("Quantive Data", "it", "data engineering and BI consulting"),
    ("Brightlane Digital", "marketing", "a B2B growth marketing agency"),
    ("Northstar Media", "marketing", "performance marketing and content studio"),
    ("Helix Payments", "finance", "payments infrastructure for marketplaces"),
    ("Arcadia Bank", "finance", "a retail and business bank"),
    ("Mercy Valley Hospital", "health", "a regional hospital group"),
    ("Urban Grocer", "retail", "a chain of neighbourhood grocery stores"),
    ("Kleinwerk Maschinenbau", "manufacturing", "precision machinery for packaging lines"),
    ("Sterling & Vance", "consulting", "strategy and operations consulting"),
    ("Luma Security", "software", "cloud security SaaS for mid-market companies"),
    ("Orbit Logistics", "it", "logistics software and data integration"),
    ("Café Bellavista", "food", "specialty coffee roasters and cafés"),
    ("Tessellate", "software", "a no-code data apps SaaS"),
    ("Vantage CRM", "software", "CRM SaaS for B2B sales teams"),
]

SCHOOLS = [
    ("Technical University of Munich", 15093),
    ("University of Amsterdam", 13423),
    ("Sorbonne University", 12533),
    ("London School of Economics", 12691),
    ("Politecnico di Milano", 13945),
    ("University of Toronto", 3660),
    ("University of São Paulo", 10765),
    ("Indian Institute of Technology Bombay", 157283),
    ("KTH Royal Institute of Technology", 12016),
    ("University of Texas at Austin", 19604),
    ("Trinity College Dublin", 13112),
    ("University of Warsaw", 15608),
]

DEGREES = [
    ("Bachelor of Science - BS", "Computer Science"),
    ("Master of Science - MS", "Data Science"),
    ("Master of Business Administration - MBA", "Business Administration and Management"),
    ("Bachelor of Arts - BA", "Marketing"),
    ("Master of Science - MS", "Electrical Engineering"),
    ("Bachelor of Science - BS", "Economics"),
    ("Bachelor of Arts - BA", "Communication"),
    ("Master of Science - MS", "Mathematics"),
    ("Bachelor of Science - BS", "Nursing"),
    ("Bachelor of Arts - BA", "Culinary Arts"),
]

# Roles by function: (current title, earlier title, skills). Functions are weighted in population.py.
ROLES = {
    "founder": [
        ("Founder & CEO", "Product Manager", ["Entrepreneurship", "Fundraising", "B2B SaaS", "Leadership"]),
        ("Co-Founder & CTO", "Senior Software Engineer", ["Software Architecture", "Python", "SaaS", "Leadership"]),
        ("Co-Founder", "Management Consultant", ["Go-to-Market Strategy", "Startups", "Sales"]),
        ("Founder", "Head of Growth", ["Growth Marketing", "Startups", "SaaS"]),
    ],
    "engineering": [
        ("CTO", "VP Engineering", ["Cloud Computing", "Kubernetes", "Team Building", "SaaS"]),
        ("VP Engineering", "Engineering Manager", ["Engineering Management", "Agile", "AWS"]),
        ("Senior Software Engineer", "Software Engineer", ["Python", "Go", "PostgreSQL"]),
        ("Head of Platform", "Site Reliability Engineer", ["Kubernetes", "Terraform", "Observability"]),
    ],
    "data": [
        ("Head of Data", "Data Scientist", ["Data Strategy", "SQL", "Machine Learning"]),
        ("Data Scientist", "Data Analyst", ["Python", "Statistics", "Machine Learning"]),
        ("Data Engineer", "BI Developer", ["dbt", "Airflow", "Data Warehousing", "SQL"]),
        ("Chief Data Officer", "Director of Analytics", ["Data Governance", "Analytics", "AI"]),
    ],
    "marketing": [
        ("CMO", "VP Marketing", ["Brand Strategy", "Demand Generation", "B2B Marketing"]),
        ("VP Marketing", "Marketing Manager", ["Demand Generation", "Marketing Automation", "SaaS"]),
        ("Growth Marketing Manager", "Performance Marketing Specialist", ["SEO", "Paid Search", "Analytics"]),
        ("Content Marketing Lead", "Copywriter", ["Content Strategy", "SEO", "Storytelling"]),
    ],
    "sales": [
        ("VP Sales", "Sales Director", ["B2B Sales", "Sales Management", "SaaS"]),
        ("Account Executive", "Sales Development Representative", ["Enterprise Sales", "Negotiation", "CRM"]),
        ("Head of Revenue Operations", "Sales Operations Analyst", ["RevOps", "Salesforce", "Forecasting"]),
    ],
    "product": [
        ("Head of Product", "Senior Product Manager", ["Product Strategy", "Roadmapping", "SaaS"]),
        ("Product Manager", "Business Analyst", ["Agile", "User Research", "Data Analysis"]),
    ],
    "operations": [
        ("COO", "Head of Operations", ["Operations Management", "Scaling", "Finance"]),
        ("CFO", "Finance Director", ["Financial Planning", "Fundraising", "Accounting"]),
        ("Head of People", "HR Business Partner", ["Talent Acquisition", "People Operations"]),
    ],
    "other": [
        ("Registered Nurse", "Nursing Assistant", ["Patient Care", "Healthcare"]),
        ("Store Manager", "Sales Associate", ["Retail Management", "Customer Service"]),
        ("Head Chef", "Sous Chef", ["Cooking", "Menu Development"]),
        ("Mechanical Engineer", "Design Engineer", ["CAD", "Manufacturing"]),
        ("Lecturer", "Research Assistant", ["Teaching", "Research"]),
        ("Barista", "Shift Supervisor", ["Coffee", "Customer Service"]),
    ],
}

# Which companies each function plausibly works at (indexes into COMPANIES by industry key).
FUNCTION_INDUSTRIES = {
    "founder": ["software", "software", "it", "marketing", "finance"],
    "engineering": ["software", "software", "it", "finance"],
    "data": ["software", "it", "finance", "retail"],
    "marketing": ["software", "marketing", "marketing", "retail"],
    "sales": ["software", "software", "finance", "it"],
    "product": ["software", "software", "finance"],
    "operations": ["software", "consulting", "finance", "manufacturing"],
    "other": ["health", "retail", "food", "manufacturing", "education"],
}

TAGLINES = [
    "Helping B2B teams grow",
    "Building {what}",
    "Ex-{previous}",
    "Scaling SaaS from seed to Series B",
    "Data-driven decisions",
    "Hiring!",
    "Speaker & mentor",
    "",
]

REPLIES = [
    "Thanks for reaching out! Happy to chat next week.",
    "Hi, sounds interesting. Can you send me more details?",
    "Not interested at the moment, thanks.",
    "Thanks! Let me check with my team and get back to you.",
]

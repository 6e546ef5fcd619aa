"""The training sectors of Moroccan vocational training (reference data, names in fr, ar and en)."""

SECTORS = [  # code, French, Arabic, English
    ("agriculture", "Agriculture", "الفلاحة", "Agriculture"),
    ("agrifood", "Agroalimentaire", "الصناعات الغذائية", "Agri-food"),
    ("automotive", "Industrie automobile", "صناعة السيارات", "Automotive industry"),
    ("aeronautics", "Aéronautique", "صناعة الطيران", "Aeronautics"),
    (
        "construction",
        "Bâtiment et travaux publics",
        "البناء والأشغال العمومية",
        "Construction and public works",
    ),
    ("textile", "Textile et habillement", "النسيج والألبسة", "Textile and clothing"),
    ("electrical", "Génie électrique", "الهندسة الكهربائية", "Electrical engineering"),
    (
        "mechanical",
        "Génie mécanique et métallurgie",
        "الهندسة الميكانيكية والتعدين",
        "Mechanical and metal work",
    ),
    ("digital", "Digital et offshoring", "الرقمنة وترحيل الخدمات", "Digital and offshoring"),
    ("management", "Gestion et commerce", "التسيير والتجارة", "Management and commerce"),
    ("tourism", "Tourisme et hôtellerie", "السياحة والفندقة", "Tourism and hospitality"),
    ("handicraft", "Artisanat", "الصناعة التقليدية", "Handicraft"),
    ("fisheries", "Pêche maritime", "الصيد البحري", "Maritime fisheries"),
    ("health", "Santé et paramédical", "الصحة وشبه الطبي", "Health and paramedical"),
    ("logistics", "Transport et logistique", "النقل واللوجستيك", "Transport and logistics"),
    ("personal_services", "Services à la personne", "الخدمات الشخصية", "Personal services"),
    ("energy", "Énergies renouvelables", "الطاقات المتجددة", "Renewable energy"),
    # Trades the twinning with OFPPT professionalised trainers in, which the groups above do not name.
    ("thermal", "Génie thermique", "الهندسة الحرارية", "Thermal engineering"),
    ("refrigeration", "Froid et climatisation", "التبريد والتكييف", "Refrigeration and air conditioning"),
    (
        "welding",
        "Soudage et construction métallique",
        "اللحام والبناء المعدني",
        "Welding and metal construction",
    ),
]


def load_sectors(model) -> None:
    """Create or refresh the sectors (the data migration, and tests whose database was flushed)."""
    for code, fr, ar, en in SECTORS:
        model.objects.update_or_create(code=code, defaults={"name_fr": fr, "name_ar": ar, "name_en": en})

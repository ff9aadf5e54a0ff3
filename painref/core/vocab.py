"""Closed vocabularies of the catalog, defined once.

Each maps a stored value to the label people read.
"""

CATEGORIES: dict[str, str] = {
    "vertebral-augmentation": "vertebral augmentation",
    "epidural-injection": "epidural injection",
    "joint-injection": "joint injection",
    "nerve-block": "nerve block",
    "radiofrequency-ablation": "radiofrequency ablation",
    "embolization": "embolization",
    "neuromodulation": "neuromodulation",
    "intrathecal-drug-delivery": "intrathecal drug delivery",
    "regenerative-therapy": "regenerative therapy",
    "disc-procedure": "disc procedure",
    "spine-surgery": "minimally invasive spine surgery",
    "soft-tissue-injection": "muscle and soft-tissue injection",
}

PURPOSES: dict[str, str] = {
    "diagnostic": "diagnostic",
    "therapeutic": "therapeutic",
}

REGIONS: dict[str, str] = {
    "head": "head",
    "cervical": "cervical spine (neck)",
    "thoracic": "thoracic spine (mid back)",
    "lumbar": "lumbar spine (low back)",
    "sacral": "sacrum and sacroiliac joints",
    "pelvis": "pelvis",
    "shoulder": "shoulder",
    "hip": "hip",
    "knee": "knee",
    "limbs": "arms and legs",
}

GUIDANCE: dict[str, str] = {
    "fluoroscopy": "fluoroscopy (live X-ray)",
    "ct": "CT",
    "ultrasound": "ultrasound",
    "mri": "MRI",
    "none": "no imaging",
}

SETTINGS: dict[str, str] = {
    "outpatient": "outpatient (home the same day)",
    "day-case": "day case (a hospital bed for the day)",
    "inpatient": "inpatient (a night or more in hospital)",
}

# What a catalog-wide notice is for, and where it is shown.
NOTICE_ROLES: dict[str, str] = {
    "warning": "a safety line shown with every procedure",
    "question": "a question to ask your doctor, on the patient handout",
}

# What kind of publisher a source is, strongest first. A fact that rests only on the
# weak kinds is flagged by the content lint (at most a small share may).
SOURCE_KINDS: dict[str, str] = {
    "guideline": "guideline body or regulator",
    "academic": "academic centre or public health service",
    "journal": "peer-reviewed journal",
    "society": "professional society",
    "clinic": "clinic or practice",
    "manufacturer": "manufacturer",
    "media": "media or trade press",
    "copy": "copy of another site's page",
}
# The same kinds in the words of a patient handout.
SOURCE_KINDS_PLAIN: dict[str, str] = {
    "guideline": "a national health body",
    "academic": "a hospital or health service",
    "journal": "a medical journal",
    "society": "a doctors' society",
    "clinic": "a private clinic",
    "manufacturer": "a maker of the device or drug",
    "media": "a health website",
    "copy": "a copy of another site's page",
}
WEAK_SOURCE_KINDS = frozenset({"clinic", "manufacturer", "media", "copy"})

# Bleeding-risk tiers of the ASRA/ESRA pain-procedure guideline.
BLEEDING_TIERS: dict[str, str] = {
    "low": "low",
    "intermediate": "intermediate",
    "high": "high",
}

# What a duration's minutes measure, and what one unit of it is.
MEASURES: dict[str, str] = {
    "procedure": "procedure time",
    "needle": "needle time only",
    "visit": "whole visit, arrival to discharge",
}
PER: dict[str, str] = {
    "level": "per level",
    "vertebra": "per vertebra",
    "joint": "per joint",
    "side": "per side",
}

# Code systems a procedure's codes come from.
CODE_SYSTEMS: dict[str, str] = {"CPT": "CPT", "HCPCS": "HCPCS Level II"}

# Other words people use for vocabulary values, for `find` filters.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "fluoroscopy": ("x-ray", "xray", "live x-ray", "fluoro"),
    "ct": ("computed tomography", "ct scan", "cat scan"),
    "mri": ("magnetic resonance imaging", "mri scan"),
    "none": ("no imaging", "landmark", "landmark guided"),
    "cervical": ("neck", "cervical spine"),
    "thoracic": ("mid back", "upper back", "thoracic spine"),
    "lumbar": ("low back", "lower back", "lumbar spine"),
    "sacral": ("sacrum", "sacroiliac", "tailbone"),
    "limbs": ("arm", "leg", "arms and legs"),
    "diagnostic": ("diagnosis", "test"),
    "therapeutic": ("treatment", "therapy"),
    "outpatient": ("same day", "same-day", "walk in", "clinic", "office"),
    "day-case": ("day case", "daycase", "day surgery", "day unit"),
    "inpatient": ("overnight", "hospital stay", "admission", "admitted"),
    "intermediate": ("medium", "moderate"),
}

# Where a lookup name comes from (the catalog's `names` section).
NAME_ORIGINS: dict[str, str] = {
    "mesh": "a MeSH heading or entry term",
    "nice": "a NICE guidance title",
    "nhs": "an NHS page",
    "guideline": "a professional society's guideline",
    "abbreviation": "an abbreviation clinicians write",
    "approach": "an approach or level variant",
    "lay": "a word patients use",
}

# A link is stored once, on one procedure, from its point of view; the other
# procedure shows the inverse.
RELATIONS: dict[str, str] = {
    "precedes": "preceded-by",
    "trial-for": "has-trial",
    "variant-of": "has-variant",
    "alternative": "alternative",
    "see-also": "see-also",
}
RELATION_LABELS: dict[str, str] = {
    "precedes": "diagnostic step before",
    "preceded-by": "usually preceded by",
    "trial-for": "trial before",
    "has-trial": "trial first:",
    "variant-of": "a variant of",
    "has-variant": "variant:",
    "alternative": "alternative:",
    "see-also": "see also",
}


NOT_STATED = "Not stated by our sources."
EDUCATIONAL_NOTE = (
    "Educational reference only, not medical advice. Talk to your own clinician about your care."
)

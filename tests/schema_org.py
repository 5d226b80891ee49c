"""A small offline check of JSON-LD against the schema.org vocabulary (https://schema.org, version 28).

What it checks, and nothing more: ``@context`` is https://schema.org; every node has a known ``@type``;
every property a node uses is one schema.org defines for that type or a type it inherits from (the
tables below are copied from the schema.org type pages, limited to the types and properties this
project may emit); and the value of a property whose range matters to consumers has the right shape
(a nested node of an allowed type, an integer, an ISO 8601 date or date-time, a URL). It does not
expand the document as RDF, check cardinalities, or apply Google's rich-result rules.
"""
from datetime import date, datetime

THING = {"name", "description", "url", "identifier", "sameAs", "image", "alternateName"}
CREATIVE_WORK = THING | {
    "about", "abstract", "audience", "author", "creator", "dateCreated", "dateModified", "datePublished",
    "educationalLevel", "educationalUse", "inLanguage", "keywords", "learningResourceType", "license",
    "provider", "publisher", "teaches", "timeRequired", "isAccessibleForFree"}
LEARNING_RESOURCE = CREATIVE_WORK | {"assesses", "competencyRequired", "educationalAlignment"}
COURSE = LEARNING_RESOURCE | {
    "availableLanguage", "courseCode", "coursePrerequisites", "educationalCredentialAwarded",
    "financialAidEligible", "hasCourseInstance", "numberOfCredits", "occupationalCredentialAwarded",
    "syllabusSections", "totalHistoricalEnrollment"}
EVENT = THING | {
    "about", "actor", "attendee", "audience", "composer", "contributor", "director", "doorTime", "duration",
    "endDate", "eventAttendanceMode", "eventSchedule", "eventStatus", "funder", "inLanguage",
    "isAccessibleForFree", "keywords", "location", "maximumAttendeeCapacity",
    "maximumPhysicalAttendeeCapacity", "maximumVirtualAttendeeCapacity", "offers", "organizer", "performer",
    "previousStartDate", "recordedIn", "remainingAttendeeCapacity", "review", "sponsor", "startDate",
    "subEvent", "superEvent", "translator", "typicalAgeRange", "workFeatured", "workPerformed"}
COURSE_INSTANCE = EVENT | {"courseMode", "courseSchedule", "courseWorkload", "instructor"}
PLACE = THING | {"address", "containedInPlace", "containsPlace", "geo", "hasMap", "telephone"}
ORGANIZATION = THING | {"address", "areaServed", "email", "legalName", "member", "parentOrganization",
                        "telephone", "taxID"}
PROPERTIES = {
    "Course": COURSE,
    "LearningResource": LEARNING_RESOURCE,
    "CourseInstance": COURSE_INSTANCE,
    "Event": EVENT,
    "Place": PLACE,
    "AdministrativeArea": PLACE,
    "PostalAddress": THING | {"addressCountry", "addressLocality", "addressRegion", "postalCode",
                              "streetAddress", "email", "telephone"},
    "Organization": ORGANIZATION,
    "Person": THING | {"address", "affiliation", "email", "familyName", "givenName", "jobTitle"},
    "Offer": THING | {"availability", "category", "price", "priceCurrency", "validFrom", "validThrough",
                      "eligibleQuantity", "seller"},
    "PropertyValue": THING | {"propertyID", "value", "unitCode", "unitText"},
    "EducationalAudience": THING | {"audienceType", "educationalRole", "geographicArea"},
    "Occupation": THING | {"occupationalCategory", "skills", "qualifications"},
}
SUBTYPES = {"Thing": set(PROPERTIES), "Place": {"Place", "AdministrativeArea"},
            "Event": {"Event", "CourseInstance"}}
# Expected ranges of the properties whose shape matters: node types allowed, or a literal kind.
RANGES = {
    "hasCourseInstance": {"CourseInstance"},
    "subEvent": SUBTYPES["Event"],
    "location": SUBTYPES["Place"] | {"PostalAddress"},
    "address": {"PostalAddress"},
    "containedInPlace": SUBTYPES["Place"],
    "areaServed": SUBTYPES["Place"],
    "offers": {"Offer"},
    "provider": {"Organization", "Person"},
    "author": {"Organization", "Person"},
    "organizer": {"Organization", "Person"},
    "performer": {"Organization", "Person"},
    "audience": {"EducationalAudience"},
    "identifier": {"PropertyValue"},
    "maximumAttendeeCapacity": "integer",
    "remainingAttendeeCapacity": "integer",
    "startDate": "date", "endDate": "date", "dateModified": "date", "datePublished": "date",
    "license": "url", "url": "url", "eventStatus": "url", "eventAttendanceMode": "url", "availability": "url",
    "timeRequired": "duration",
}


def problems(document):
    """Every way ``document`` breaks the rules above, as readable strings; empty when it conforms."""
    found = []
    if document.get("@context") != "https://schema.org":
        found.append(f"@context is {document.get('@context')!r}, not https://schema.org")
    _check_node(document, "$", found)
    return found


def _check_node(node, path, found):
    kind = node.get("@type")
    if kind is None:
        if set(node) - {"@id"}:
            found.append(f"{path}: a node without @type")
        return
    if kind not in PROPERTIES:
        found.append(f"{path}: unknown @type {kind!r}")
        return
    for name, value in node.items():
        if name.startswith("@"):
            continue
        if name not in PROPERTIES[kind]:
            found.append(f"{path}: {kind} has no property {name!r}")
        for index, item in enumerate(value if isinstance(value, list) else [value]):
            _check_value(name, item, f"{path}.{name}[{index}]", found)


def _check_value(name, value, path, found):
    expected = RANGES.get(name)
    if isinstance(value, dict):
        if isinstance(expected, set) and "@type" in value and value["@type"] not in expected:
            found.append(f"{path}: {value['@type']} where {sorted(expected)} is expected")
        elif isinstance(expected, str):
            found.append(f"{path}: a node where a {expected} is expected")
        _check_node(value, path, found)
    elif expected is not None and not _literal_fits(expected, value):
        found.append(f"{path}: {value!r} is not a {expected if isinstance(expected, str) else 'node'}")


def _literal_fits(expected, value):
    if expected == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if expected == "date":
        return isinstance(value, str) and _iso(value)
    if expected == "url":
        return isinstance(value, str) and value.startswith(("http://", "https://"))
    if expected == "duration":
        return isinstance(value, str) and value.startswith("P")
    return False  # a node of one of the types is expected (stricter than schema.org, which often allows Text)


def _iso(value):
    for parse in (datetime.fromisoformat, date.fromisoformat):
        try:
            parse(value)
            return True
        except ValueError:
            continue
    return False

"""Published entries and festivals as schema.org JSON-LD, built from the read model alone.

A career trial (any kind with sessions) is a ``Course`` whose sessions are ``CourseInstance``s with
their free seats (``remainingAttendeeCapacity``: CourseInstance is an Event); any other kind is a
``LearningResource``; a festival is an ``Event`` whose programme items are its ``subEvent``s. The city
is an ``AdministrativeArea`` identified by its ОКТМО code. What an entry's own fields mean in schema.org
terms its kind says (EntryKindPlugin.schema_org).
"""
from shared.licenses import license_of
from shared.plugins import direction_title, entry_kinds

CONTEXT = "https://schema.org"
LANGUAGE = "ru"
# schema.org's recommended courseMode values and the matching eventAttendanceMode of an Event.
COURSE_MODES = {"in_person": "onsite", "remote": "online", "mixed": "blended"}
ATTENDANCE_MODES = {"in_person": "https://schema.org/OfflineEventAttendanceMode",
                    "remote": "https://schema.org/OnlineEventAttendanceMode",
                    "mixed": "https://schema.org/MixedEventAttendanceMode"}
REGION_NAME = "Региональный институт (ЧИППКРО)"


def area(city):
    """The municipality (a MunicipalityView or None) as a schema.org AdministrativeArea."""
    if city is None:
        return None
    place = {"@type": "AdministrativeArea", "name": city.name,
             "containedInPlace": {"@type": "AdministrativeArea", "name": city.region}}
    if city.oktmo:
        place["identifier"] = {"@type": "PropertyValue", "propertyID": "ОКТМО", "value": city.oktmo}
    return place


def organization(name, city):
    """Who publishes: the named organisation, else the city's education department, in its city."""
    found = {"@type": "Organization", "name": name or (city.name if city else REGION_NAME)}
    if city is not None:
        found["areaServed"] = area(city)
    return found


def postal_address(city):
    return {"@type": "PostalAddress", "addressLocality": city.name, "addressRegion": city.region,
            "addressCountry": "RU"}


def place(name, city):
    found = {"@type": "Place", "name": name or (city.name if city else REGION_NAME)}
    if city is not None:
        found["address"] = postal_address(city)
    return found


def entry_document(published, city, sessions, base_url):
    """An approved entry (its public view from the read model) with its sessions, as JSON-LD."""
    kind = entry_kinds().get(published["kind"])
    url = f"{base_url}/practices/{published['id']}"
    document = {
        "@context": CONTEXT, "@id": url, "url": url, "name": published["title"],
        "description": published.get("summary") or "", "inLanguage": LANGUAGE,
        "license": license_of(published).url,
        "provider": organization(published.get("organization"), city),
        "dateModified": published["updated_at"],
        "learningResourceType": kind.title if kind else published["kind"],
    }
    if published.get("approved_at"):
        document["datePublished"] = published["approved_at"]
    if published.get("tags"):
        document["keywords"] = ", ".join(published["tags"])
    if published.get("direction"):
        document["educationalUse"] = direction_title(published["direction"])
    document.update(_authors(published, city))
    own = kind.schema_org(published) if kind is not None and kind.schema_org else {}
    if kind is not None and kind.has_sessions:
        return {"@context": CONTEXT, "@type": "Course", **document,
                "hasCourseInstance": [course_instance(item, published, city, url) for item in sessions], **own}
    return {"@context": CONTEXT, "@type": "LearningResource", **document, **own}


def _authors(published, city):
    people = [{"@type": "Person", "name": name} for name in published.get("authors") or ()]
    return {"author": people or organization(published.get("organization"), city)}


def course_instance(session, published, city, url):
    """A dated session (a SessionView) of a trial: when, where, how, and how many seats are free."""
    instance = {
        "@type": "CourseInstance", "name": published["title"],
        "startDate": session.starts_at.isoformat(), "endDate": session.ends_at.isoformat(),
        "location": place(session.place, city), "inLanguage": LANGUAGE,
        "maximumAttendeeCapacity": session.capacity, "remainingAttendeeCapacity": session.seats_left,
        "eventStatus": "https://schema.org/EventScheduled",
        "offers": {"@type": "Offer", "price": 0, "priceCurrency": "RUB", "url": f"{url}#sessions",
                   "availability": "https://schema.org/InStock" if session.seats_left > 0
                   else "https://schema.org/SoldOut"},
    }
    if published.get("format") in COURSE_MODES:
        instance["courseMode"] = COURSE_MODES[published["format"]]
        instance["eventAttendanceMode"] = ATTENDANCE_MODES[published["format"]]
    return instance


def festival_document(state, festival_id, city, base_url):
    """A festival (its state from the read model) with its programme, as a schema.org Event."""
    url = f"{base_url}/festivals/{festival_id}"
    return {
        "@context": CONTEXT, "@type": "Event", "@id": url, "url": url, "name": state["title"],
        "description": state.get("description") or "", "inLanguage": LANGUAGE,
        "startDate": state["starts_on"], "endDate": state["ends_on"],
        "location": place(state.get("place"), city),
        "organizer": organization(None, city),
        "eventStatus": "https://schema.org/EventCancelled" if state.get("status") == "cancelled"
        else "https://schema.org/EventScheduled",
        "subEvent": [_programme_item(item, city, base_url) for item in state.get("programme") or ()],
    }


def _programme_item(item, city, base_url):
    event = {"@type": "Event", "name": item["title"], "startDate": item["starts_at"],
             "endDate": item["ends_at"], "location": place(item.get("place"), city)}
    if item.get("speaker"):
        event["performer"] = {"@type": "Person", "name": item["speaker"]}
    if item.get("practice_id"):
        event["about"] = {"@id": f"{base_url}/practices/{item['practice_id']}"}
    return event

"""Collections (сборники): ask for one in a form, watch it being typeset, download DOCX or PDF."""
from services.gateway import views
from services.gateway.endpoints.collections import ask_for_collection
from services.gateway.schemas import CollectionRequestSchema
from services.gateway.web.forms import form_dict
from services.gateway.web.rendering import page, redirect, render
from shared.errors import Unauthorized, ValidationFailed
from shared.schemas import load


class CollectionPages:
    @page("GET", "/collections/new")
    def new_collection_page(self, request, visitor):
        if visitor.identity is None:
            raise Unauthorized("Нужно войти в систему")
        typed = {"municipality": visitor.identity.municipality or ""}
        return self._collection_form(request, typed=typed, errors={})

    @page("POST", "/collections/new")
    def create_collection_page(self, request, visitor):
        form = form_dict(request)
        try:
            data = load(CollectionRequestSchema(), {key: value for key, value in form.items() if value.strip()})
            collection = ask_for_collection(self.read_model, self.practices, data)
        except ValidationFailed as error:
            return self._collection_form(request, typed=form, errors=error.fields, status=error.status)
        return redirect(f"/collections/{collection['id']}")

    def _collection_form(self, request, typed, errors, status=200):
        with self.read_model() as session:
            cities = views.municipality_names(session)
            festivals = views.festival_states(session)
        return render(request, "collection_form.html", status=status, typed=typed, errors=errors, cities=cities,
                      festivals=festivals)

    @page("GET", "/collections/<int:collection_id>")
    def collection_page(self, request, visitor, collection_id):
        return render(request, "collection.html", collection=self.practices.get_collection(collection_id))

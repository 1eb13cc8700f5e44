"""One description of the dossier's input (`projets.schema`): the form, the API's input and
output and the services' input follow it, and a field added to it reaches them all."""

import pytest
from django import forms
from rest_framework import serializers

from projets import api, schema, views
from projets import forms as formulaires
from projets.models import Projet
from projets.schema import Champ, Genre
from projets.services import DonneesProjet


def ecarts(**surcharges):
    return schema.ecarts_du_dossier(
        **{
            "formulaire": formulaires.ProjetForm,
            "formsets": formulaires.FORMSETS,
            "entree": api.ProjetEntreeSerializer,
            "sortie": api.ProjetDetailSerializer,
            "donnees": DonneesProjet,
            **surcharges,
        }
    )


def test_le_formulaire_l_api_et_les_services_suivent_le_schema():
    assert ecarts() == []


def test_chaque_champ_du_schema_remplit_une_colonne_ou_une_liste():
    for champ in schema.CHAMPS:
        if champ.genre is Genre.LISTE:
            assert champ.modele is None, champ.nom
        else:
            assert champ.colonne_modele is not None, champ.nom
        assert champ.description.endswith("."), champ.nom


def test_les_champs_obligatoires_sont_ceux_du_modele():
    assert [c.nom for c in schema.CHAMPS if c.obligatoire] == ["titre", "mesure"]
    assert [n for n, f in formulaires.ProjetForm.base_fields.items() if f.required] == [
        "titre",
        "mesure",
    ]


def test_le_libelle_d_un_formulaire_ecrit_a_la_main_est_signale():
    class Formulaire(formulaires.ProjetForm):
        titre = forms.CharField(label="Intitulé", max_length=500)

    assert ecarts(formulaire=Formulaire) == [
        "Formulaire : « titre » a le libellé « Intitulé » au lieu de « Titre du projet »."
    ]


def test_un_champ_rendu_facultatif_par_l_api_est_signale():
    champs = {c.nom: api.champ_d_entree(c) for c in schema.CHAMPS}
    champs["titre"] = serializers.CharField(required=False, help_text="Titre du projet.")
    entree = type("Entree", (api.EntreeProjetSerializer,), champs)
    assert ecarts(entree=entree) == ["Entree : « titre » devrait être obligatoire."]


def test_une_description_de_sortie_ecrite_a_la_main_est_signalee():
    class Sortie(api.ProjetDetailSerializer):
        date_fin = serializers.DateField(help_text="Fin.")

    assert ecarts(sortie=Sortie) == [
        "Sortie : « date_fin » a l'aide « Fin. » au lieu de « Date de fin (AAAA-MM-JJ). »."
    ]


# --- The guarantee: a field added to the schema alone -----------------------------------
TERRITOIRE = Champ(
    "territoire_texte",
    Genre.SIMPLE,
    "Territoire tel que décrit",
    "Territoire tel que décrit.",
    sortie=True,
)


def _schema_avec_territoire(monkeypatch):
    """The schema plus one input mapped to an existing column, as a new field would be."""
    monkeypatch.setattr(schema, "CHAMPS", [*schema.CHAMPS, TERRITOIRE])


def test_un_champ_ajoute_au_schema_signale_le_formulaire_et_l_api_restes_en_arriere(
    monkeypatch,
):
    _schema_avec_territoire(monkeypatch)
    # The form and the serializer built before the change (as if written by hand) lag.
    assert ecarts() == [
        "ProjetForm : le champ « territoire_texte » du schéma manque (ajoutez-le ou dérivez "
        "ProjetForm du schéma).",
        "ProjetEntreeSerializer : le champ « territoire_texte » du schéma manque (ajoutez-le "
        "ou dérivez ProjetEntreeSerializer du schéma).",
    ]
    # Derived again from the schema, they follow it; the output and DonneesProjet already do.
    assert (
        ecarts(formulaire=formulaires.formulaire_projet(), entree=api.serializer_d_entree()) == []
    )


def test_un_champ_ajoute_au_schema_est_saisi_par_l_api_et_par_le_formulaire(
    monkeypatch, client, porteur, administrateur
):
    _schema_avec_territoire(monkeypatch)
    monkeypatch.setattr(api, "ProjetEntreeSerializer", api.serializer_d_entree())
    monkeypatch.setattr(views, "ProjetForm", formulaires.formulaire_projet())

    client.force_login(porteur)
    reponse = client.post(
        "/api/v1/projets/",
        {"titre": "Piste cyclable", "mesure": "IV.2.1.a", "territoire_texte": "Vallée de la Lys"},
        content_type="application/json",
    )
    assert reponse.status_code == 201, reponse.json()
    assert reponse.json()["territoire_texte"] == "Vallée de la Lys"
    reference = reponse.json()["reference"]
    assert Projet.objects.get(reference=reference).territoire_texte == "Vallée de la Lys"
    # A PATCH that does not send it keeps it (the stored values come from the schema too).
    client.patch(
        f"/api/v1/projets/{reference}/", {"titre": "Piste"}, content_type="application/json"
    )
    assert Projet.objects.get(reference=reference).territoire_texte == "Vallée de la Lys"

    page = client.get(f"/projets/{reference}/modifier/")
    assert page.context["form"]["territoire_texte"].value() == "Vallée de la Lys"
    assert page.context["form"].fields["territoire_texte"].label == "Territoire tel que décrit"
    reponse = client.post(
        f"/projets/{reference}/modifier/",
        {
            "titre": "Piste",
            "mesure": Projet.objects.get(reference=reference).mesure_id,
            "territoire_texte": "Lys et Deûle",
            "lignes-TOTAL_FORMS": "0",
            "lignes-INITIAL_FORMS": "0",
            "phases-TOTAL_FORMS": "0",
            "phases-INITIAL_FORMS": "0",
            "enregistrer": "",
        },
    )
    assert reponse.status_code == 302
    assert Projet.objects.get(reference=reference).territoire_texte == "Lys et Deûle"


def test_donnees_projet_refuse_un_champ_hors_du_schema_et_exige_les_obligatoires():
    with pytest.raises(TypeError, match="hors du schéma"):
        DonneesProjet(titre="T", mesure=None, inconnu=1)
    with pytest.raises(TypeError, match="« mesure » est obligatoire"):
        DonneesProjet(titre="T")


def test_un_champ_publie_par_le_schema_apparait_dans_la_sortie_de_l_api(monkeypatch):
    calendrier = Champ(
        "calendrier_texte",
        Genre.SIMPLE,
        "Calendrier",
        "Calendrier cité par le contrat.",
        sortie=True,
    )
    monkeypatch.setattr(schema, "CHAMPS", [*schema.CHAMPS, calendrier])
    assert (
        "ProjetDetailSerializer : le champ « calendrier_texte » du schéma manque" in (ecarts()[-1])
    )
    sortie = api.avec_champs_publies("ProjetDetailSerializer", api._DetailProjet)
    assert list(sortie().fields)[-1] == "calendrier_texte"
    assert sortie().fields["calendrier_texte"].help_text == "Calendrier cité par le contrat."
    assert not [e for e in ecarts(sortie=sortie) if "ProjetDetailSerializer" in e]

"""The dossier through the browser: create, fill, file, be refused next to the field."""

from decimal import Decimal

from django.urls import reverse

from axes.models import Departement, Noeud, Signataire
from projets.models import LignePlanFinancement, Projet, Statut, TransitionProjet


def formulaire(**surcharges):
    region = Signataire.objects.get(code="region")
    etat = Signataire.objects.get(code="etat")
    donnees = {
        "titre": "Maison de la vie étudiante",
        "description": "Un lieu pour les associations étudiantes.",
        "mesure": str(Noeud.objects.get(code="IV.2.1.a").pk),
        "communes": "80021 Amiens",
        "date_debut": "2026-03-01",
        "date_fin": "2027-09-30",
        "cout_total_ht": "1 200 000,00",
        "decarbonation": "favorable",
        "decarbonation_justification": "Bâtiment passif.",
        "impact_environnemental": "neutre",
        "impact_environnemental_justification": "Sur une parcelle déjà bâtie.",
        "egalite_femmes_hommes": "favorable",
        "egalite_femmes_hommes_justification": "Espaces conçus avec les associations.",
        "lignes-TOTAL_FORMS": "3",
        "lignes-INITIAL_FORMS": "0",
        "lignes-MIN_NUM_FORMS": "0",
        "lignes-MAX_NUM_FORMS": "40",
        "lignes-0-financeur": f"sig:{region.pk}",
        "lignes-0-nature": "cper",
        "lignes-0-montant": "500 000,00",
        "lignes-1-financeur": f"sig:{etat.pk}",
        "lignes-1-nature": "cper",
        "lignes-1-montant": "400 000,00",
        "lignes-2-financeur": "src:fonds_propres",
        "lignes-2-nature": "hors_cper",
        "lignes-2-montant": "299 999,99",
        "phases-TOTAL_FORMS": "1",
        "phases-INITIAL_FORMS": "0",
        "phases-MIN_NUM_FORMS": "0",
        "phases-MAX_NUM_FORMS": "20",
        "phases-0-type": "travaux",
        "phases-0-libelle": "",
        "phases-0-annee_debut": "2026",
        "phases-0-annee_fin": "2027",
    }
    donnees["departements"] = [str(Departement.objects.get(code_insee="80").pk)]
    donnees.update(surcharges)
    return donnees


def test_le_formulaire_de_creation_s_affiche_en_francais(client, porteur):
    client.force_login(porteur)
    reponse = client.get(reverse("projets:creer"))
    assert reponse.status_code == 200
    html = reponse.content.decode()
    assert "Nouveau projet" in html
    assert "Lignes du plan de financement" in html
    assert "Université de test" in html  # a porteur files for its own organisation


def test_un_plan_desequilibre_est_refuse_au_depot_avec_le_message_sur_le_plan(client, porteur):
    client.force_login(porteur)
    nombre = Projet.objects.count()
    reponse = client.post(reverse("projets:creer"), formulaire(deposer="1"))
    assert reponse.status_code == 200
    html = reponse.content.decode()
    assert 'id="erreurs-lignes"' in html
    assert "n&#x27;est pas équilibré" in html or "n'est pas équilibré" in html
    assert "il manque 0,01" in html
    assert "rien n&#x27;a été enregistré" in html or "rien n'a été enregistré" in html
    assert Projet.objects.count() == nombre
    assert not LignePlanFinancement.objects.filter(
        projet__titre="Maison de la vie étudiante"
    ).exists()


def test_corrige_le_dossier_se_depose(client, porteur):
    client.force_login(porteur)
    reponse = client.post(
        reverse("projets:creer"), formulaire(deposer="1", **{"lignes-2-montant": "300 000,00"})
    )
    assert reponse.status_code == 302
    projet = Projet.objects.get(titre="Maison de la vie étudiante")
    assert reponse["Location"] == reverse("projets:detail", args=[projet.reference])
    assert projet.statut == Statut.DEPOSE
    assert projet.cout_total_ht == Decimal("1200000.00")
    assert sorted(projet.lignes_financement.values_list("montant", flat=True)) == [
        Decimal("300000.00"),
        Decimal("400000.00"),
        Decimal("500000.00"),
    ]
    assert TransitionProjet.objects.filter(projet=projet).count() == 1
    page = client.get(reverse("projets:detail", args=[projet.reference])).content.decode()
    assert "1\u202f200\u202f000,00\u00a0€" in page
    assert "Déposé" in page


def test_un_brouillon_s_enregistre_meme_incomplet(client, porteur):
    client.force_login(porteur)
    reponse = client.post(
        reverse("projets:creer"),
        formulaire(enregistrer="1", decarbonation="", cout_total_ht=""),
    )
    assert reponse.status_code == 302
    assert Projet.objects.get(titre="Maison de la vie étudiante").statut == Statut.BROUILLON


def test_une_saisie_invalide_s_affiche_a_cote_du_champ(client, porteur):
    client.force_login(porteur)
    reponse = client.post(
        reverse("projets:creer"),
        formulaire(enregistrer="1", cout_total_ht="beaucoup", **{"lignes-1-montant": "12,345"}),
    )
    assert reponse.status_code == 200
    html = reponse.content.decode()
    assert "Saisissez un montant en euros, par exemple 1 234 567,89." in html
    assert "Un montant a au plus deux décimales" in html
    assert "fr-input-group--error" in html
    assert not Projet.objects.filter(titre="Maison de la vie étudiante").exists()


def test_ajouter_une_ligne_sans_javascript(client, porteur):
    client.force_login(porteur)
    reponse = client.post(reverse("projets:creer"), formulaire(ajouter="ligne"))
    assert reponse.status_code == 200
    assert 'name="lignes-3-montant"' in reponse.content.decode()
    assert not Projet.objects.filter(titre="Maison de la vie étudiante").exists()


def test_deposer_depuis_la_fiche_montre_les_erreurs_dans_le_formulaire(
    client, porteur, donnees_completes
):
    from projets.services import projet_creer

    projet = projet_creer(donnees=donnees_completes(decarbonation=""), par=porteur)
    client.force_login(porteur)
    reponse = client.post(reverse("projet_action", args=[projet.reference, "deposer"]))
    assert reponse.status_code == 200
    html = reponse.content.decode()
    assert "Évaluez l&#x27;effet du projet sur la décarbonation" in html
    assert Projet.objects.get(pk=projet.pk).statut == Statut.BROUILLON


def test_la_fiche_montre_plan_chronologie_et_historique(client, agent, projet_brouillon, porteur):
    from projets.services import projet_transitionner

    projet_transitionner(projet=projet_brouillon, action="deposer", par=porteur)
    client.force_login(agent)
    html = client.get(reverse("projets:detail", args=[projet_brouillon.reference])).content.decode()
    assert "Plan de financement" in html
    assert "400\u202f000,00\u00a0€" in html
    assert 'id="chronologie"' in html and "Déposé" in html
    assert "Commencer l&#x27;instruction" in html  # the agent's next step
    assert 'id="historique"' in html and "porteur" in html


def test_une_transition_illegale_par_la_page_est_refusee(client, agent, projet_brouillon):
    client.force_login(agent)
    reponse = client.post(
        reverse("projet_action", args=[projet_brouillon.reference, "solder"]), follow=True
    )
    assert "Impossible de solder ce dossier : il est « Brouillon »" in reponse.content.decode()
    assert Projet.objects.get(pk=projet_brouillon.pk).statut == Statut.BROUILLON


def test_un_porteur_ne_modifie_plus_un_dossier_depose(client, porteur, projet_brouillon):
    from projets.services import projet_transitionner

    projet_transitionner(projet=projet_brouillon, action="deposer", par=porteur)
    client.force_login(porteur)
    reponse = client.get(reverse("projets:modifier", args=[projet_brouillon.reference]))
    assert reponse.status_code == 302
    reponse = client.post(
        reverse("projets:modifier", args=[projet_brouillon.reference]),
        formulaire(enregistrer="1", titre="Titre changé"),
    )
    assert Projet.objects.get(pk=projet_brouillon.pk).titre == "Réhabilitation du bâtiment B"


def test_la_modification_est_tracee_avec_l_ancienne_valeur(client, porteur, projet_brouillon):
    client.force_login(porteur)
    reponse = client.post(
        reverse("projets:modifier", args=[projet_brouillon.reference]),
        formulaire(enregistrer="1", titre="Réhabilitation du bâtiment B, tranche 1"),
    )
    assert reponse.status_code == 302
    version = Projet.historique.filter(id=projet_brouillon.pk).latest("history_date")
    assert version.history_user == porteur
    delta = version.diff_against(version.prev_record)
    changement = next(c for c in delta.changes if c.field == "titre")
    assert changement.old == "Réhabilitation du bâtiment B"
    assert changement.new == "Réhabilitation du bâtiment B, tranche 1"
    page = client.get(reverse("projets:detail", args=[projet_brouillon.reference])).content.decode()
    assert "« Réhabilitation du bâtiment B » → « Réhabilitation du bâtiment B, tranche 1 »" in page


def test_les_lignes_laissees_vides_sont_ignorees(client, porteur):
    client.force_login(porteur)
    donnees = formulaire(enregistrer="1")
    donnees.update(
        {
            "lignes-TOTAL_FORMS": "4",
            "lignes-3-financeur": "",
            "lignes-3-nature": "cper",
            "lignes-3-montant": "",
            "phases-TOTAL_FORMS": "2",
            "phases-1-type": "",
            "phases-1-annee_debut": "",
            "phases-1-annee_fin": "",
        }
    )
    reponse = client.post(reverse("projets:creer"), donnees)
    assert reponse.status_code == 302
    projet = Projet.objects.get(titre="Maison de la vie étudiante")
    assert projet.lignes_financement.count() == 3
    assert projet.phases.count() == 1


def test_le_formulaire_de_modification_garde_les_dates_lisibles_par_le_navigateur(
    client, porteur, projet_brouillon
):
    client.force_login(porteur)
    html = client.get(
        reverse("projets:modifier", args=[projet_brouillon.reference])
    ).content.decode()
    assert 'type="date"' in html
    assert 'value="2026-01-01"' in html and 'value="2027-06-30"' in html

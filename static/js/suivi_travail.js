// Job page: polls the job's state every second and updates the page until it ends.
// No library, no outside resource.
(function () {
  "use strict";
  var suivi = document.getElementById("suivi-travail");
  if (!suivi) { return; }
  var url = suivi.dataset.urlEtat;
  var termine = suivi.dataset.etat === "pret" || suivi.dataset.etat === "echec";
  var barre = document.getElementById("progression");
  var texte = document.getElementById("progression-texte");
  var libelle = document.getElementById("libelle-etat");

  function afficher(etat) {
    barre.value = etat.progression;
    barre.textContent = etat.progression + " %";
    texte.textContent = etat.progression + " %";
    libelle.textContent = etat.libelle_etat;
    suivi.dataset.etat = etat.etat;
    if (etat.etat === "pret") {
      document.getElementById("lien-telechargement").href = etat.url_telechargement;
      document.getElementById("travail-pret").hidden = false;
    }
    if (etat.etat === "echec") {
      document.getElementById("message-erreur").textContent = etat.message_erreur;
      document.getElementById("travail-echec").hidden = false;
    }
    document.getElementById("travail-attente").hidden = etat.termine;
  }

  function interroger() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (reponse) {
        if (!reponse.ok) { throw new Error(reponse.status); }
        return reponse.json();
      })
      .then(function (etat) {
        afficher(etat);
        if (!etat.termine) { window.setTimeout(interroger, 1000); }
      })
      .catch(function () { window.setTimeout(interroger, 5000); });
  }

  if (!termine) { window.setTimeout(interroger, 1000); }
})();

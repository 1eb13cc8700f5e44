// Import page: polls the import's state every second, shows its progress, and reloads the
// page (report, summary, buttons) when the work ends. No library, no outside resource.
(function () {
  "use strict";
  var suivi = document.getElementById("suivi-import");
  if (!suivi || suivi.dataset.termine === "oui") { return; }
  var barre = document.getElementById("progression");
  var texte = document.getElementById("progression-texte");
  var libelle = document.getElementById("libelle-etat");

  function interroger() {
    fetch(suivi.dataset.urlEtat, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (reponse) {
        if (!reponse.ok) { throw new Error(reponse.status); }
        return reponse.json();
      })
      .then(function (etat) {
        if (etat.termine) { window.location.reload(); return; }
        barre.value = etat.progression;
        texte.textContent = etat.progression + " %";
        libelle.textContent = etat.libelle_etat;
        window.setTimeout(interroger, 1000);
      })
      .catch(function () { window.setTimeout(interroger, 5000); });
  }
  window.setTimeout(interroger, 1000);
})();

// Live tally of a session for its secretariat: polls the counts every 3 seconds while the
// session is open. No library, no outside resource.
(function () {
  "use strict";
  var bloc = document.getElementById("decompte");
  if (!bloc) { return; }
  var statut = document.getElementById("decompte-statut");

  function afficher(donnees) {
    var q = donnees.quorum;
    document.getElementById("decompte-quorum").textContent =
      q.presents + " sur " + q.votants + ", il en faut " + q.requis + " — " +
      (q.atteint ? "atteint" : "non atteint");
    donnees.points.forEach(function (p) {
      var ligne = bloc.querySelector('tr[data-point="' + p.id + '"]');
      if (!ligne) { return; }
      ["pour", "contre", "abstention", "total"].forEach(function (champ) {
        ligne.querySelector('[data-champ="' + champ + '"]').textContent = p[champ];
      });
      var attente = ligne.querySelector('[data-champ="en_attente"]');
      if (attente) { attente.textContent = p.en_attente.length ? p.en_attente.join(", ") : "personne"; }
    });
    statut.textContent = donnees.etat === "close" ? "Séance close." : "";
  }

  function interroger() {
    fetch(bloc.dataset.url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (donnees) {
        afficher(donnees);
        if (donnees.etat !== "close") { window.setTimeout(interroger, 3000); }
      })
      .catch(function () { window.setTimeout(interroger, 10000); });
  }
  if (bloc.dataset.etat !== "close") { window.setTimeout(interroger, 3000); }
})();

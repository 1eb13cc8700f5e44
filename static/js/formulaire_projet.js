// The dossier's form, improved when scripts run (the form works without them):
// - a refused form puts the focus on its error summary;
// - « Ajouter une ligne / une phase » adds the row in the page instead of reloading it;
// - the plan's running total and its gap to the total cost are shown while typing.
// No library, no outside resource, no inline script (the page's CSP forbids them).
(function () {
  "use strict";
  var formulaire = document.getElementById("formulaire-projet");
  if (!formulaire) { return; }

  var resume = document.getElementById("resume-erreurs");
  if (resume) { resume.focus(); }

  function ajouterRangee(prefixe) {
    var modele = document.getElementById("modele-" + prefixe);
    var total = document.getElementById("id_" + prefixe + "-TOTAL_FORMS");
    var maximum = document.getElementById("id_" + prefixe + "-MAX_NUM_FORMS");
    var corps = document.querySelector('[data-formset="' + prefixe + '"] tbody');
    if (!modele || !total || !corps) { return false; }
    var n = parseInt(total.value, 10);
    if (maximum && n >= parseInt(maximum.value, 10)) { return true; }
    var html = modele.innerHTML.replace(/__prefix__/g, String(n)).replace(/__rang__/g, String(n + 1));
    corps.insertAdjacentHTML("beforeend", html);
    total.value = String(n + 1);
    var rangee = corps.lastElementChild;
    var premier = rangee && rangee.querySelector("select, input");
    if (premier) { premier.focus(); }
    return true;
  }

  document.querySelectorAll("[data-ajouter]").forEach(function (bouton) {
    bouton.addEventListener("click", function (evenement) {
      if (ajouterRangee(bouton.dataset.ajouter)) {
        evenement.preventDefault();
        calculer();
      }
    });
  });

  // Amounts as people type them (« 250 000,50 »), in cents: no float arithmetic on money.
  function centimes(texte) {
    var t = (texte || "").replace(/[\s\u00a0\u202f€]/g, "").replace(",", ".");
    if (!/^\d+(\.\d{0,2})?$/.test(t)) { return null; }
    var parties = t.split(".");
    var decimales = ((parties[1] || "") + "00").slice(0, 2);
    return parseInt(parties[0], 10) * 100 + parseInt(decimales, 10);
  }

  function euros(c) {
    var entier = Math.floor(Math.abs(c) / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, "\u202f");
    var reste = ("0" + (Math.abs(c) % 100)).slice(-2);
    return (c < 0 ? "-" : "") + entier + "," + reste + "\u00a0€";
  }

  var sortie = document.getElementById("total-plan");
  // On the re-balancing page the signatories' lines stay outside the table (the committee
  // decided them) and an empty cost field keeps the current cost: the table says both.
  var tableau = document.querySelector('[data-formset="lignes"]');
  var totalFixe = tableau ? centimes(tableau.dataset.totalFixe) : null;
  var coutActuel = tableau ? centimes(tableau.dataset.coutActuel) : null;

  function calculer() {
    if (!sortie) { return; }
    var total = totalFixe || 0;
    var illisible = false;
    document.querySelectorAll('[data-formset="lignes"] tbody tr').forEach(function (rangee) {
      var retirer = rangee.querySelector('input[type="checkbox"][name$="-DELETE"]');
      var montant = rangee.querySelector('input[name$="-montant"]');
      if (!montant || (retirer && retirer.checked) || !montant.value.trim()) { return; }
      var c = centimes(montant.value);
      if (c === null) { illisible = true; } else { total += c; }
    });
    var saisi = ((document.getElementById("id_cout_total_ht") || {}).value || "").trim();
    var cout = saisi ? centimes(saisi) : coutActuel;
    var texte = "Total du plan" + (totalFixe !== null ? ", lignes des signataires comprises" : "") + " : " + euros(total);
    if (cout !== null && cout > 0) {
      var ecart = cout - total;
      texte += " pour un coût total de " + euros(cout) + " — " + (
        ecart === 0 ? "le plan est équilibré." :
        ecart > 0 ? "il manque " + euros(ecart) + "." : "excédent de " + euros(-ecart) + "."
      );
    } else {
      texte += ".";
    }
    if (illisible) { texte += " Un montant n’est pas lisible : écrivez-le en chiffres, par exemple 250 000,50."; }
    sortie.textContent = texte;
    sortie.hidden = false;
  }

  formulaire.addEventListener("input", calculer);
  formulaire.addEventListener("change", calculer);
  calculer();
})();

// Swagger UI's labels in French. Swagger UI has no translation setting: its buttons and
// headings are plain text written by React. This script, a file of the portal (no inline
// script, the page's CSP forbids them), replaces the text of each element whose whole text is
// one of the labels below, and marks it `lang="fr"`; React keeps the text node it owns and
// writes it again when the label changes (« Try it out » ↔ « Cancel »), which this script
// then translates again. Texts written by the schema (summaries, descriptions) are French
// already; labels missing from the list stay in English, inside `lang="en"`.
(function () {
  "use strict";
  var racine = document.getElementById("swagger-ui");
  if (!racine || !window.MutationObserver) { return; }

  var LIBELLES = {
    "Authorize": "Autoriser",
    "Authorized": "Autorisé",
    "Available authorizations": "Autorisations disponibles",
    "Logout": "Se déconnecter",
    "Close": "Fermer",
    "Value:": "Valeur :",
    "Try it out": "Essayer",
    "Cancel": "Annuler",
    "Reset": "Réinitialiser",
    "Execute": "Exécuter",
    "Clear": "Effacer",
    "Parameters": "Paramètres",
    "No parameters": "Aucun paramètre",
    "Name": "Nom",
    "Send empty value": "Envoyer une valeur vide",
    "Request body": "Corps de la requête",
    "Responses": "Réponses",
    "Response body": "Corps de la réponse",
    "Response headers": "En-têtes de la réponse",
    "Request URL": "Adresse de la requête",
    "Server response": "Réponse du serveur",
    "Details": "Détails",
    "Links": "Liens",
    "No links": "Aucun lien",
    "Media type": "Type de média",
    "Example Value": "Exemple",
    "Schema": "Schéma",
    "Schemas": "Schémas",
    "Expand all": "Tout déplier",
    "Collapse all": "Tout replier",
    "Download": "Télécharger",
    "Servers": "Serveurs",
    "Filter by tag": "Filtrer par étiquette"
  };

  function traduireNoeud(texte) {
    var brut = texte.nodeValue;
    var cle = brut ? brut.trim() : "";
    // Only a label that changes: writing a text node, even to the same value, is reported
    // to the observer again.
    if (!Object.prototype.hasOwnProperty.call(LIBELLES, cle) || LIBELLES[cle] === cle) { return; }
    texte.nodeValue = brut.replace(cle, LIBELLES[cle]);
    var parent = texte.parentElement;
    if (parent && parent.childNodes.length === 1) { parent.setAttribute("lang", "fr"); }
  }

  function traduire(noeud) {
    if (noeud.nodeType === Node.TEXT_NODE) { traduireNoeud(noeud); return; }
    if (noeud.nodeType !== Node.ELEMENT_NODE) { return; }
    var parcours = document.createTreeWalker(noeud, NodeFilter.SHOW_TEXT);
    var texte;
    while ((texte = parcours.nextNode())) { traduireNoeud(texte); }
  }

  new MutationObserver(function (changements) {
    changements.forEach(function (changement) {
      if (changement.type === "characterData") {
        traduireNoeud(changement.target);
      } else {
        changement.addedNodes.forEach(traduire);
      }
    });
  }).observe(racine, { childList: true, subtree: true, characterData: true });
  traduire(racine);
})();

"""Stored slices of the ledger: each signatory's programmé / engagé / payé per axis and per
département, its engagé per budget year and payé per calendar year (`TotalAxe`,
`TotalDepartement`, `TotalAnnee`), kept by triggers in the transaction of the rows they sum, on
PostgreSQL and on SQLite, and backfilled from the rows.

A row's old values leave its slices and its new values enter them, so that a line moving to
another measure, a payment to another date or a dossier changing départements moves its money
with it. On PostgreSQL one trigger per statement reads the statement's transition tables and
moves each slice once (a bulk write stays one upsert per slice), after the row triggers of 0003
that lock the envelope (the same order of locks for every writer of a signatory); on SQLite,
which has no transition tables, row triggers do the same.
"""

import django.db.models.deletion
from django.db import migrations, models


def _ligne(r: str, signe: str, pg: bool) -> list[str]:
    """A programmed line's amounts into (signe « + ») or out of (« - ») its axis and the
    départements of its dossier."""
    sql = []
    if signe == "+":
        sql.append(
            ("INSERT" if pg else "INSERT OR IGNORE")
            + f""" INTO financement_totalaxe
                (signataire_id, axe_id, montant_programme, montant_engage, montant_paye)
            SELECT {r}.signataire_id, n.axe_id, 0, 0, 0 FROM axes_noeud n
             WHERE n.id = {r}.noeud_id AND n.axe_id IS NOT NULL"""
            + (" ON CONFLICT (signataire_id, axe_id) DO NOTHING" if pg else "")
        )
        sql.append(
            ("INSERT" if pg else "INSERT OR IGNORE")
            + f""" INTO financement_totaldepartement
                (signataire_id, departement_id, montant_programme, montant_engage, montant_paye)
            SELECT {r}.signataire_id, pd.departement_id, 0, 0, 0
              FROM projets_projet_departements pd WHERE pd.projet_id = {r}.projet_id"""
            + (" ON CONFLICT (signataire_id, departement_id) DO NOTHING" if pg else "")
        )
    montants = f"""montant_programme = montant_programme {signe} {r}.montant_programme,
               montant_engage = montant_engage {signe} {r}.montant_engage,
               montant_paye = montant_paye {signe} {r}.montant_paye"""
    sql.append(
        f"""UPDATE financement_totalaxe SET {montants}
         WHERE signataire_id = {r}.signataire_id
           AND axe_id = (SELECT n.axe_id FROM axes_noeud n WHERE n.id = {r}.noeud_id)"""
    )
    sql.append(
        f"""UPDATE financement_totaldepartement SET {montants}
         WHERE signataire_id = {r}.signataire_id
           AND departement_id IN (SELECT pd.departement_id FROM projets_projet_departements pd
                                   WHERE pd.projet_id = {r}.projet_id)"""
    )
    return sql


def _annee(colonne: str, pg: bool) -> str:
    return (
        f"CAST(EXTRACT(YEAR FROM {colonne}) AS integer)"
        if pg
        else f"CAST(strftime('%Y', {colonne}) AS integer)"
    )


def _totalannee(signataire: str, annee: str, champ: str, delta: str, pg: bool) -> list[str]:
    sql = []
    if not delta.startswith("-"):
        sql.append(
            ("INSERT" if pg else "INSERT OR IGNORE")
            + f""" INTO financement_totalannee (signataire_id, annee, montant_engage, montant_paye)
            SELECT {signataire}, {annee}, 0, 0"""
            + (" ON CONFLICT (signataire_id, annee) DO NOTHING" if pg else "")
        )
    sql.append(
        f"""UPDATE financement_totalannee SET {champ} = {champ} + ({delta})
         WHERE signataire_id = {signataire} AND annee = {annee}"""
    )
    return sql


def _engagement(r: str, signe: str, pg: bool) -> list[str]:
    return _totalannee(
        f"{r}.signataire_id", f"{r}.annee_budgetaire", "montant_engage", f"{signe}{r}.montant", pg
    )


def _paiement(r: str, signe: str, pg: bool) -> list[str]:
    return _totalannee(
        f"(SELECT e.signataire_id FROM financement_engagement e WHERE e.id = {r}.engagement_id)",
        _annee(f"{r}.date", pg),
        "montant_paye",
        f"{signe}{r}.montant",
        pg,
    )


def _departement(r: str, signe: str, pg: bool) -> list[str]:
    """A dossier joining (« + ») or leaving (« - ») a département brings or takes the amounts
    of all its lines, signatory by signatory."""
    sql = []
    if signe == "+":
        sql.append(
            ("INSERT" if pg else "INSERT OR IGNORE")
            + f""" INTO financement_totaldepartement
                (signataire_id, departement_id, montant_programme, montant_engage, montant_paye)
            SELECT DISTINCT l.signataire_id, {r}.departement_id, 0, 0, 0
              FROM financement_ligneprogrammee l WHERE l.projet_id = {r}.projet_id"""
            + (" ON CONFLICT (signataire_id, departement_id) DO NOTHING" if pg else "")
        )

    def somme(champ: str) -> str:
        return f"""{champ} = {champ} {signe} (SELECT COALESCE(SUM(l.{champ}), 0)
                FROM financement_ligneprogrammee l WHERE l.projet_id = {r}.projet_id
                 AND l.signataire_id = financement_totaldepartement.signataire_id)"""

    sql.append(
        f"""UPDATE financement_totaldepartement
           SET {somme("montant_programme")}, {somme("montant_engage")}, {somme("montant_paye")}
         WHERE departement_id = {r}.departement_id
           AND signataire_id IN (SELECT l.signataire_id FROM financement_ligneprogrammee l
                                  WHERE l.projet_id = {r}.projet_id)"""
    )
    return sql


# table, trigger name, statements for a row leaving and entering, the UPDATE that matters
DECLENCHEURS = [
    (
        "financement_ligneprogrammee",
        "financement_ligne_totaux_tranches",
        _ligne,
        "NEW.montant_programme <> OLD.montant_programme OR NEW.montant_engage <> OLD.montant_engage"
        " OR NEW.montant_paye <> OLD.montant_paye OR NEW.noeud_id <> OLD.noeud_id"
        " OR NEW.projet_id <> OLD.projet_id OR NEW.signataire_id <> OLD.signataire_id",
    ),
    (
        "financement_engagement",
        "financement_engagement_totaux_tranches",
        _engagement,
        "NEW.montant <> OLD.montant OR NEW.signataire_id <> OLD.signataire_id"
        " OR NEW.annee_budgetaire <> OLD.annee_budgetaire",
    ),
    (
        "financement_paiement",
        "financement_paiement_totaux_tranches",
        _paiement,
        "NEW.montant <> OLD.montant OR NEW.date <> OLD.date"
        " OR NEW.engagement_id <> OLD.engagement_id",
    ),
    (
        "projets_projet_departements",
        "financement_projet_departements_tranches",
        _departement,
        "NEW.departement_id <> OLD.departement_id OR NEW.projet_id <> OLD.projet_id",
    ),
]


# PostgreSQL: one trigger per statement, with its transition tables, so that a statement
# writing many rows (a bulk load, a dossier's départements set again) moves each slice once with
# the sum of its rows instead of once per row. Each movement is a row's values with a sign:
# « + » for the rows that enter (NEW TABLE), « - » for those that leave (OLD TABLE). Slices are
# written in key order, so that two statements lock shared slices in the same order.
MONTANTS_LIGNE = "{s}x.montant_programme AS p, {s}x.montant_engage AS e, {s}x.montant_paye AS y"

# table, function name, movements as SELECT list and joins on `x`, the upserts reading `m`
MOUVEMENTS_PG = [
    (
        "financement_ligneprogrammee",
        "financement_ligne_totaux_tranches",
        "x.signataire_id, x.noeud_id, x.projet_id, " + MONTANTS_LIGNE,
        "",
        [
            """INSERT INTO financement_totalaxe AS t
                (signataire_id, axe_id, montant_programme, montant_engage, montant_paye)
            SELECT m.signataire_id, n.axe_id, SUM(m.p), SUM(m.e), SUM(m.y)
              FROM m JOIN axes_noeud n ON n.id = m.noeud_id WHERE n.axe_id IS NOT NULL
             GROUP BY m.signataire_id, n.axe_id
            HAVING SUM(m.p) <> 0 OR SUM(m.e) <> 0 OR SUM(m.y) <> 0 ORDER BY 1, 2
            ON CONFLICT (signataire_id, axe_id) DO UPDATE SET
               montant_programme = t.montant_programme + EXCLUDED.montant_programme,
               montant_engage = t.montant_engage + EXCLUDED.montant_engage,
               montant_paye = t.montant_paye + EXCLUDED.montant_paye""",
            """INSERT INTO financement_totaldepartement AS t
                (signataire_id, departement_id, montant_programme, montant_engage, montant_paye)
            SELECT m.signataire_id, pd.departement_id, SUM(m.p), SUM(m.e), SUM(m.y)
              FROM m JOIN projets_projet_departements pd ON pd.projet_id = m.projet_id
             GROUP BY m.signataire_id, pd.departement_id
            HAVING SUM(m.p) <> 0 OR SUM(m.e) <> 0 OR SUM(m.y) <> 0 ORDER BY 1, 2
            ON CONFLICT (signataire_id, departement_id) DO UPDATE SET
               montant_programme = t.montant_programme + EXCLUDED.montant_programme,
               montant_engage = t.montant_engage + EXCLUDED.montant_engage,
               montant_paye = t.montant_paye + EXCLUDED.montant_paye""",
        ],
    ),
    (
        "financement_engagement",
        "financement_engagement_totaux_tranches",
        "x.signataire_id, x.annee_budgetaire AS annee, {s}x.montant AS e, 0 AS y",
        "",
        [],
    ),
    (
        "financement_paiement",
        "financement_paiement_totaux_tranches",
        "g.signataire_id, CAST(EXTRACT(YEAR FROM x.date) AS integer) AS annee, 0 AS e, "
        "{s}x.montant AS y",
        "JOIN financement_engagement g ON g.id = x.engagement_id",
        [],
    ),
    (
        "projets_projet_departements",
        "financement_projet_departements_tranches",
        "l.signataire_id, x.departement_id, {s}l.montant_programme AS p, "
        "{s}l.montant_engage AS e, {s}l.montant_paye AS y",
        "JOIN financement_ligneprogrammee l ON l.projet_id = x.projet_id",
        [
            """INSERT INTO financement_totaldepartement AS t
                (signataire_id, departement_id, montant_programme, montant_engage, montant_paye)
            SELECT m.signataire_id, m.departement_id, SUM(m.p), SUM(m.e), SUM(m.y)
              FROM m GROUP BY m.signataire_id, m.departement_id
            HAVING SUM(m.p) <> 0 OR SUM(m.e) <> 0 OR SUM(m.y) <> 0 ORDER BY 1, 2
            ON CONFLICT (signataire_id, departement_id) DO UPDATE SET
               montant_programme = t.montant_programme + EXCLUDED.montant_programme,
               montant_engage = t.montant_engage + EXCLUDED.montant_engage,
               montant_paye = t.montant_paye + EXCLUDED.montant_paye""",
        ],
    ),
]

UPSERT_ANNEE = """INSERT INTO financement_totalannee AS t
        (signataire_id, annee, montant_engage, montant_paye)
    SELECT m.signataire_id, m.annee, SUM(m.e), SUM(m.y) FROM m
     GROUP BY m.signataire_id, m.annee HAVING SUM(m.e) <> 0 OR SUM(m.y) <> 0 ORDER BY 1, 2
    ON CONFLICT (signataire_id, annee) DO UPDATE SET
       montant_engage = t.montant_engage + EXCLUDED.montant_engage,
       montant_paye = t.montant_paye + EXCLUDED.montant_paye"""


def _postgresql() -> list[str]:
    sql = []
    for table, nom, colonnes, jointure, upserts in MOUVEMENTS_PG:
        upserts = upserts or [UPSERT_ANNEE]
        entrent = f"SELECT {colonnes.format(s='')} FROM nouvelles x {jointure}"
        sortent = f"SELECT {colonnes.format(s='-')} FROM anciennes x {jointure}"
        corps = {
            "INSERT": entrent,
            "DELETE": sortent,
            "UPDATE": f"{sortent} UNION ALL {entrent}",
        }
        branches = "\n    ELS".join(
            f"IF TG_OP = '{op}' THEN\n"
            + "".join(f"        WITH m AS ({mouvements}) {upsert};\n" for upsert in upserts)
            for op, mouvements in corps.items()
        )
        sql.append(
            f"""
CREATE OR REPLACE FUNCTION {nom}() RETURNS trigger AS $$
BEGIN
    {branches}    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER {nom}_ins AFTER INSERT ON {table}
REFERENCING NEW TABLE AS nouvelles FOR EACH STATEMENT EXECUTE FUNCTION {nom}();
CREATE TRIGGER {nom}_upd AFTER UPDATE ON {table}
REFERENCING OLD TABLE AS anciennes NEW TABLE AS nouvelles
FOR EACH STATEMENT EXECUTE FUNCTION {nom}();
CREATE TRIGGER {nom}_del AFTER DELETE ON {table}
REFERENCING OLD TABLE AS anciennes FOR EACH STATEMENT EXECUTE FUNCTION {nom}();
"""
        )
    return sql


def _sqlite() -> list[str]:
    sql = []
    for table, nom, instructions, change in DECLENCHEURS:
        retirer = "".join(f"{i};\n" for i in instructions("OLD", "-", False))
        ajouter = "".join(f"{i};\n" for i in instructions("NEW", "+", False))
        sql += [
            f"CREATE TRIGGER {nom}_ins AFTER INSERT ON {table} BEGIN\n{ajouter}END",
            f"CREATE TRIGGER {nom}_del AFTER DELETE ON {table} BEGIN\n{retirer}END",
            f"CREATE TRIGGER {nom}_upd AFTER UPDATE ON {table} WHEN {change} BEGIN\n"
            f"{retirer}{ajouter}END",
        ]
    return sql


def _remplir(pg: bool) -> list[str]:
    """The slices as the rows stand (the triggers keep them from then on)."""
    return [
        """INSERT INTO financement_totalaxe
            (signataire_id, axe_id, montant_programme, montant_engage, montant_paye)
        SELECT l.signataire_id, n.axe_id, SUM(l.montant_programme), SUM(l.montant_engage),
               SUM(l.montant_paye)
          FROM financement_ligneprogrammee l JOIN axes_noeud n ON n.id = l.noeud_id
         WHERE n.axe_id IS NOT NULL GROUP BY l.signataire_id, n.axe_id""",
        """INSERT INTO financement_totaldepartement
            (signataire_id, departement_id, montant_programme, montant_engage, montant_paye)
        SELECT l.signataire_id, pd.departement_id, SUM(l.montant_programme),
               SUM(l.montant_engage), SUM(l.montant_paye)
          FROM financement_ligneprogrammee l
          JOIN projets_projet_departements pd ON pd.projet_id = l.projet_id
         GROUP BY l.signataire_id, pd.departement_id""",
        f"""INSERT INTO financement_totalannee (signataire_id, annee, montant_engage, montant_paye)
        SELECT x.signataire_id, x.annee, SUM(x.engage), SUM(x.paye) FROM (
            SELECT e.signataire_id, e.annee_budgetaire AS annee, e.montant AS engage, 0 AS paye
              FROM financement_engagement e
            UNION ALL
            SELECT e.signataire_id, {_annee("p.date", pg)} AS annee, 0 AS engage,
                   p.montant AS paye
              FROM financement_paiement p
              JOIN financement_engagement e ON e.id = p.engagement_id
        ) x GROUP BY x.signataire_id, x.annee""",
    ]


def _executer(schema_editor, instructions):
    # No parameters: the SQL holds literal « % » signs (strftime).
    with schema_editor.connection.cursor() as curseur:
        for instruction in instructions:
            curseur.execute(instruction)


def creer(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _executer(schema_editor, _postgresql() + _remplir(True))
    elif vendor == "sqlite":
        _executer(schema_editor, _sqlite() + _remplir(False))


def supprimer(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table, nom, _instructions, _change in DECLENCHEURS:
        if vendor == "postgresql":
            _executer(
                schema_editor,
                [f"DROP TRIGGER IF EXISTS {nom}_{op} ON {table}" for op in ("ins", "del", "upd")]
                + [f"DROP FUNCTION IF EXISTS {nom}()"],
            )
        elif vendor == "sqlite":
            _executer(
                schema_editor,
                [f"DROP TRIGGER IF EXISTS {nom}_{op}" for op in ("ins", "del", "upd")],
            )


class Migration(migrations.Migration):
    dependencies = [
        ("axes", "0002_texte_signe_du_noeud"),
        ("financement", "0008_modification_operation"),
        ("projets", "0006_recherche"),
    ]

    operations = [
        migrations.CreateModel(
            name="TotalAnnee",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("annee", models.PositiveSmallIntegerField(verbose_name="année")),
                (
                    "montant_engage",
                    models.DecimalField(
                        decimal_places=2,
                        default=0,
                        max_digits=14,
                        verbose_name="engagé sur l'année budgétaire (€)",
                    ),
                ),
                (
                    "montant_paye",
                    models.DecimalField(
                        decimal_places=2,
                        default=0,
                        max_digits=14,
                        verbose_name="payé dans l'année (€)",
                    ),
                ),
                (
                    "signataire",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="axes.signataire",
                    ),
                ),
            ],
            options={
                "verbose_name": "total d'un signataire sur une année",
                "verbose_name_plural": "totaux des signataires par année",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("signataire", "annee"), name="total_annee_unique"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="TotalAxe",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "montant_programme",
                    models.DecimalField(
                        decimal_places=2, default=0, max_digits=14, verbose_name="programmé (€)"
                    ),
                ),
                (
                    "montant_engage",
                    models.DecimalField(
                        decimal_places=2, default=0, max_digits=14, verbose_name="engagé (€)"
                    ),
                ),
                (
                    "montant_paye",
                    models.DecimalField(
                        decimal_places=2, default=0, max_digits=14, verbose_name="payé (€)"
                    ),
                ),
                (
                    "axe",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="axes.noeud",
                    ),
                ),
                (
                    "signataire",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="axes.signataire",
                    ),
                ),
            ],
            options={
                "verbose_name": "total d'un signataire sur un axe",
                "verbose_name_plural": "totaux des signataires par axe",
                "constraints": [
                    models.UniqueConstraint(fields=("signataire", "axe"), name="total_axe_unique")
                ],
            },
        ),
        migrations.CreateModel(
            name="TotalDepartement",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "montant_programme",
                    models.DecimalField(
                        decimal_places=2, default=0, max_digits=14, verbose_name="programmé (€)"
                    ),
                ),
                (
                    "montant_engage",
                    models.DecimalField(
                        decimal_places=2, default=0, max_digits=14, verbose_name="engagé (€)"
                    ),
                ),
                (
                    "montant_paye",
                    models.DecimalField(
                        decimal_places=2, default=0, max_digits=14, verbose_name="payé (€)"
                    ),
                ),
                (
                    "departement",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="axes.departement",
                    ),
                ),
                (
                    "signataire",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="axes.signataire",
                    ),
                ),
            ],
            options={
                "verbose_name": "total d'un signataire dans un département",
                "verbose_name_plural": "totaux des signataires par département",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("signataire", "departement"), name="total_departement_unique"
                    )
                ],
            },
        ),
        migrations.RunPython(creer, supprimer),
    ]

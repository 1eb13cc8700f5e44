"""People and organisations: a porteur, an agent of a signatory, the secretariat…

UtilisateurFactory(porteur=True)                     # a porteur of its own organisation
UtilisateurFactory(agent=True, signataire="etat")    # an agent of the État
UtilisateurFactory(administrateur=True)
"""

import factory

from comptes.models import Organisation, Role, TypeOrganisation, Utilisateur
from tests.factories.axes import signataire

MOT_DE_PASSE = "mot-de-passe-de-test-1234"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("nom",)

    nom = factory.Sequence(lambda n: f"Organisation de test {n}")
    type = TypeOrganisation.ENSEIGNEMENT_RECHERCHE


class UtilisateurFactory(factory.django.DjangoModelFactory):
    """A user; by default a reader of a test organisation. Traits set the role and, for an
    agent or a committee member of a signatory, the signatory's organisation."""

    class Meta:
        model = Utilisateur
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    class Params:
        signataire = "region"
        porteur = factory.Trait(role=Role.PORTEUR)
        agent = factory.Trait(
            role=Role.AGENT,
            organisation=factory.LazyAttribute(lambda o: signataire(o.signataire).organisation),
        )
        membre_comite = factory.Trait(
            role=Role.MEMBRE_COMITE,
            organisation=factory.LazyAttribute(lambda o: signataire(o.signataire).organisation),
        )
        administrateur = factory.Trait(role=Role.ADMINISTRATEUR)

    username = factory.Sequence(lambda n: f"utilisateur.{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@exemple.fr")
    role = Role.LECTEUR
    organisation = factory.SubFactory(OrganisationFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        manager = cls._get_manager(model_class)
        existant = manager.filter(username=kwargs["username"]).first()
        if existant is not None:
            return existant
        return manager.create_user(*args, password=MOT_DE_PASSE, **kwargs)

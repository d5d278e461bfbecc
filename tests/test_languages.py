"""The generic rules in every shipped language besides English (tests/test_generic_rules.py covers it).

For each language, a short local-news article of 22 paragraphs, and for each rule of default.toml that
uses phrases: boilerplate as news sites in that language phrase it, placed where it really stands
(head, middle or tail), which that rule must remove; and a near miss, an article sentence using the
same words, placed at the same spot, which must be kept. Then: the phrase files themselves, and a
new language added as a data file in a user's rule folder.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

from cleaner import clean_text
from cleaner.rules import shipped_rules_dir
from tests.conftest import run_cli

RULES = shipped_rules_dir()

# Where each rule's boilerplate stands: the head and tail are within every position guard; "middle"
# is twelve blocks from either end, where only rules without a position guard act.
PLACE = {
    "share-counter": "head",
    "share-widget": "tail",
    "photo-credit": "middle",
    "media-label": "middle",
    "read-more-lead-in": "middle",
    "appeal": "tail",
    "newsletter": "tail",
    "follow-us": "tail",
    "comment-prompt": "tail",
    "credit-line": "tail",
    "copyright-footer": "tail",
    "advertising-label": "middle",
    "affiliate-disclosure": "tail",
    "app-prompt": "middle",
    "ad-blocker-notice": "tail",
    "correction-prompt": "tail",
    "click-here": "middle",
    "related-list": "tail",
    "author-bio": "tail",
    "comment-section": "tail",
    "byline": "head",
    "date-line": "head",
    "reading-time": "head",
    "contact-line": "tail",
    "ui-message": "middle",
    "share-prompt": "tail",
    "editor-note": "tail",
    "tag-line": "tail",
    "related-block": "middle",
    "comment-thread": "tail",
}


@dataclass(frozen=True)
class Language:
    sentences: tuple[str, ...]  # the article's own paragraphs...
    district: str  # ...and a template for more of them ({n}), so that position guards matter
    cases: dict[str, tuple[list[str], str]]  # rule -> (boilerplate blocks it removes, near miss it keeps)

    @property
    def body(self) -> list[str]:
        return [*self.sentences, *(self.district.format(n=n) for n in range(2, 16))]

    def article(self, blocks: list[str], place: str) -> str:
        head, middle, tail = [blocks if place == p else [] for p in ("head", "middle", "tail")]
        body = self.body
        return "\n\n".join([*head, *body[:12], *middle, *body[12:], *tail]) + "\n"


LANGUAGES: dict[str, Language] = {
    "es": Language(
        (
            "El Ayuntamiento aprobó el martes el nuevo presupuesto tras un debate que duró casi toda la noche.",
            "El gasto en carreteras sube un diez por ciento y las bibliotecas mantienen los fondos del año pasado.",
            "La alcaldesa dijo que el plan se revisará en primavera, cuando se conozca la recaudación del invierno.",
            "Los concejales de la oposición votaron en contra y calificaron de poco creíbles los ahorros prometidos.",
            "La lectura definitiva está prevista para el mes que viene, cuando también debe aprobarlo la región.",
            "Los sindicatos docentes celebraron la congelación de las tarifas de los comedores escolares hasta otoño.",
            "La comisión de transporte publicará antes del verano la lista de calles que se van a asfaltar.",
            "Dos concejales se abstuvieron porque, según dijeron, no tuvieron tiempo de leer los documentos finales.",
        ),
        "El informe dedica un apartado al distrito {n}, donde el gasto en parques varía un {n} por ciento.",
        {
            "share-counter": (["37 comentarios"], "El texto recibió 37 comentarios de asociaciones vecinales."),
            "share-widget": (
                ["Compartir", "Facebook", "WhatsApp", "Copiar enlace"],
                "Los vecinos podrán compartir sus propuestas en Facebook o por WhatsApp hasta el viernes.",
            ),
            "photo-credit": (
                ["Los concejales, durante la votación del martes. Foto: Juan Pérez/EFE"],
                "Una foto de la sesión, tomada por el equipo de prensa municipal, muestra el salón de plenos lleno.",
            ),
            "media-label": (["Galería de fotos"], "La galería de fotos del pleno se publicó en la web municipal."),
            "read-more-lead-in": (
                ["Lee también: El Gobierno regional congela las tasas universitarias"],
                "Lee también el informe del interventor, recomendó la portavoz a los periodistas.",
            ),
            "appeal": (
                ["El periodismo local necesita lectores comprometidos. Hazte socio y apoya nuestro periodismo."],
                "La asociación de vecinos pidió a los comerciantes que se hagan socios de la cooperativa de compras.",
            ),
            "newsletter": (
                ["Suscríbete a nuestro boletín y recibe cada mañana las noticias de tu ciudad."],
                "El Ayuntamiento enviará un boletín informativo a todos los hogares antes de la votación.",
            ),
            "follow-us": (
                ["Síguenos en Facebook, X e Instagram para estar al día."],
                "La alcaldesa sigue en las redes sociales a varios concejales de la oposición, según su equipo.",
            ),
            "comment-prompt": (
                ["¿Qué opinas? Deja tu comentario más abajo."],
                "Los comentarios de la oposición no cambiaron el sentido del voto, según la portavoz.",
            ),
            "credit-line": (
                ["(Con información de EFE y Europa Press)"],
                "Con la información disponible, el interventor no pudo confirmar el ahorro previsto.",
            ),
            "copyright-footer": (
                ["Diario de la Ciudad. Todos los derechos reservados."],
                "Los derechos de los vecinos afectados quedan reservados para una negociación, dijo el abogado.",
            ),
            "advertising-label": (["Publicidad"], "La publicidad institucional costó 200.000 euros el año pasado."),
            "affiliate-disclosure": (
                ["Contiene enlaces de afiliados: si compras a través de ellos, podemos recibir una comisión."],
                "La empresa adjudicataria podrá cobrar una comisión sobre las multas, según el contrato.",
            ),
            "app-prompt": (
                ["Descarga la app de Diario de la Ciudad y recibe las últimas noticias"],
                "El Ayuntamiento lanzó el año pasado una aplicación para avisar de baches, recordó un portavoz.",
            ),
            "ad-blocker-notice": (
                ["Vivimos de la publicidad. Por favor, desactiva tu bloqueador de anuncios en nuestra web."],
                "El Ayuntamiento bloqueó la publicidad de casas de apuestas en los autobuses municipales.",
            ),
            "correction-prompt": (
                ["¿Has encontrado un error? Escríbenos a la redacción."],
                "El interventor encontró un error en las cuentas del año pasado, admitió la alcaldesa.",
            ),
            "click-here": (
                ["Haz clic aquí para recibir las alertas"],
                "Quien hace clic aquí y allá en la web municipal encuentra poca información, dicen los críticos.",
            ),
            "related-list": (
                ["Últimas noticias", "El Gobierno regional congela las tasas", "Nuevo puente sobre el río en marzo"],
                "Las últimas noticias sobre el presupuesto se publicarán en la web municipal.",
            ),
            "author-bio": (
                ["Sobre el autor", "Juan Pérez cubre la información municipal desde 2015."],
                "Sobre el autor del proyecto se sabe poco, salvo su larga carrera en la administración.",
            ),
            "comment-section": (
                ["Comentarios", "Ana: una vergüenza, la biblioteca merece más dinero."],
                "Los comentarios de los vecinos se recogerán hasta el viernes.",
            ),
            "byline": (
                ["Por Ángel Martínez, Diario de la Ciudad"],
                "Por la tarde, el pleno siguió reunido para votar las enmiendas de la oposición.",
            ),
            "date-line": (
                ["Publicado el miércoles, 12 de marzo de 2025 a las 10:42 h", "Actualizado: 12/03/2025 - 13:05 CET"],
                "El 12 de marzo de 2025 el pleno votará las enmiendas de la oposición.",
            ),
            "reading-time": (
                ["Tiempo de lectura: 3 min"],
                "Tiempo de lectura y de debate: eso pidió la oposición antes de votar el plan.",
            ),
            "contact-line": (
                ["¿Tienes información sobre este tema? Escríbenos a pistas@diariodelaciudad.example"],
                "Los vecinos pueden escribir al Ayuntamiento con sus alegaciones hasta finales de marzo.",
            ),
            "ui-message": (
                ["Se ha producido un error. Por favor, inténtalo de nuevo más tarde."],
                "Se ha producido un error en las cuentas, admitió el interventor, y se corregirá este mes.",
            ),
            "share-prompt": (
                ["¿Te ha gustado esta noticia? Compártela con tus amigos."],
                "Muchos vecinos comparten la noticia con sus amigos en el mercado, según los comerciantes.",
            ),
            "tag-line": (
                ["Etiquetas: presupuesto, ayuntamiento, carreteras"],
                "Temas: la vivienda y el transporte ocuparon casi toda la sesión, dijo la alcaldesa.",
            ),
            "editor-note": (
                ["Nota de la redacción: esta noticia se actualizó para incluir las declaraciones de la alcaldesa."],
                "Una actualización del plan de carreteras llegará el año que viene, dijeron fuentes municipales.",
            ),
            "related-block": (
                [
                    "Te puede interesar",
                    "El Gobierno regional congela las tasas universitarias",
                    "Nuevo puente sobre el río en marzo",
                ],
                "Te puede interesar saber que el pleno se retransmite en directo, recordó la alcaldesa.",
            ),
            "comment-thread": (
                [
                    "Comentarios (3)",
                    "Ana: una vergüenza, la biblioteca merece más dinero.",
                    "Luis: por fin arreglan mi calle.",
                ],
                "El secretario dijo que 12 comentarios llegaron fuera de plazo y no se contaron.",
            ),
        },
    ),
    "pt": Language(
        (
            "A Câmara Municipal aprovou na terça-feira o novo orçamento, depois de um debate que durou a noite toda.",
            "Os gastos com estradas sobem dez por cento, enquanto as bibliotecas mantêm os recursos do ano passado.",
            "O prefeito disse que o plano será revisto no outono, quando a arrecadação do inverno for conhecida.",
            "Os vereadores da oposição votaram contra e disseram que a economia prometida não é crível.",
            "A votação final está marcada para o mês que vem, quando o orçamento também passa pelo governo estadual.",
            "Os sindicatos de professores comemoraram o congelamento das tarifas da merenda escolar até o fim do ano.",
            "A comissão de transportes vai publicar antes das férias a lista das ruas que serão asfaltadas.",
            "Dois vereadores se abstiveram, dizendo que não tiveram tempo de ler os documentos finais.",
        ),
        "O relatório dedica um capítulo ao bairro {n}, onde o gasto com parques muda {n} por cento no próximo ano.",
        {
            "share-counter": (["37 comentários"], "O texto recebeu 37 comentários de associações de moradores."),
            "share-widget": (
                ["Compartilhar", "Facebook", "WhatsApp", "Copiar link"],
                "Os moradores podem compartilhar suas propostas no Facebook ou pelo WhatsApp até sexta-feira.",
            ),
            "photo-credit": (
                [
                    "Vereadores durante a votação de terça-feira. Foto: João Silva/Câmara Municipal",
                    "Reprodução/Instagram",
                ],
                "Uma foto da sessão, feita pela assessoria da Câmara, mostra o plenário lotado de moradores.",
            ),
            "media-label": (["Galeria de fotos"], "A galeria de fotos da sessão foi publicada no site da Câmara."),
            "read-more-lead-in": (
                ["Leia também: Governo do estado congela as taxas universitárias"],
                "Leia também o parecer do tribunal de contas, recomendou a líder do governo aos jornalistas.",
            ),
            "appeal": (
                ["O jornalismo local precisa de leitores comprometidos. Seja um assinante e apoie nosso jornalismo."],
                "A associação de moradores pediu aos comerciantes que se tornem sócios da cooperativa de compras.",
            ),
            "newsletter": (
                ["Receba as principais notícias da cidade: assine a nossa newsletter gratuita."],
                "A prefeitura enviará um boletim informativo a todas as casas antes da votação.",
            ),
            "follow-us": (
                ["Siga-nos no Instagram e no X para acompanhar as notícias da cidade."],
                "O prefeito segue nas redes sociais vários vereadores da oposição, segundo sua assessoria.",
            ),
            "comment-prompt": (
                ["Deixe seu comentário e conte para nós o que você acha."],
                "Os comentários da oposição não mudaram o resultado da votação, segundo a líder.",
            ),
            "credit-line": (
                ["Com informações das agências de notícias"],
                "Com as informações disponíveis, o tribunal de contas não conseguiu confirmar a economia prevista.",
            ),
            "copyright-footer": (
                ["Jornal da Cidade. Todos os direitos reservados."],
                "Os direitos dos moradores afetados ficam reservados para uma futura negociação, disse o advogado.",
            ),
            "advertising-label": (["Publicidade"], "A publicidade oficial custou 200 mil reais no ano passado."),
            "affiliate-disclosure": (
                ["Contém links de afiliados: se você comprar algo por meio deles, podemos receber uma comissão."],
                "A empresa vencedora poderá cobrar uma comissão sobre as multas, segundo o contrato.",
            ),
            "app-prompt": (
                ["Baixe o app do Jornal da Cidade e receba alertas de notícias"],
                "A prefeitura lançou no ano passado um aplicativo para avisar sobre buracos, lembrou um porta-voz.",
            ),
            "ad-blocker-notice": (
                ["Vivemos de publicidade. Por favor, desative o bloqueador de anúncios no nosso site."],
                "A prefeitura bloqueou a publicidade de apostas nos ônibus municipais.",
            ),
            "correction-prompt": (
                ["Encontrou um erro? Avise-nos pelo e-mail da redação."],
                "O tribunal de contas encontrou um erro nas contas do ano passado, admitiu o prefeito.",
            ),
            "click-here": (
                ["Clique aqui para receber os alertas"],
                "Quem clica aqui e ali no site da prefeitura encontra pouca informação, dizem os críticos.",
            ),
            "related-list": (
                ["Últimas notícias", "Governo do estado congela as taxas", "Nova ponte sobre o rio em março"],
                "As últimas notícias sobre o orçamento serão publicadas no site da prefeitura.",
            ),
            "author-bio": (
                ["Sobre o autor", "João Silva cobre a política municipal desde 2015."],
                "Sobre o autor do projeto pouco se sabe, além de sua longa carreira no serviço público.",
            ),
            "comment-section": (
                ["Comentários", "Ana: uma vergonha, a biblioteca merece mais dinheiro."],
                "Os comentários dos moradores serão recolhidos até sexta-feira.",
            ),
            "byline": (
                ["Por João Silva, Jornal da Cidade"],
                "Por volta das 22h, os vereadores ainda discutiam as emendas da oposição.",
            ),
            "date-line": (
                ["Publicado em 11/03/2025 - 10:42", "Atualizado em terça-feira, 11 de março de 2025 às 13h05"],
                "Em 11 de março de 2025 a Câmara vota as emendas da oposição.",
            ),
            "reading-time": (
                ["5 min de leitura"],
                "Tempo de leitura e de debate foi o que a oposição pediu antes da votação.",
            ),
            "contact-line": (
                ["Tem alguma sugestão de pauta? Envie para redacao@jornaldacidade.example"],
                "Os moradores podem escrever para a prefeitura com suas sugestões até o fim de março.",
            ),
            "ui-message": (
                ["Ocorreu um erro. Tente novamente mais tarde."],
                "Ocorreu um erro nas contas, admitiu o tribunal, e ele será corrigido ainda este mês.",
            ),
            "share-prompt": (
                ["Gostou desta matéria? Compartilhe com seus amigos."],
                "Muitos moradores compartilham a notícia com os amigos na feira, segundo os comerciantes.",
            ),
            "tag-line": (
                ["Tags: orçamento, prefeitura, estradas"],
                "Temas: a habitação e o transporte ocuparam quase toda a sessão, disse o prefeito.",
            ),
            "editor-note": (
                ["Nota da redação: esta reportagem foi atualizada para incluir a resposta do prefeito."],
                "Uma atualização do plano de estradas está prevista para o ano que vem, disseram assessores.",
            ),
            "related-block": (
                ["Veja também", "Governo do estado congela as taxas", "Nova ponte sobre o rio em março"],
                "Veja também o que muda no orçamento, recomendou a líder do governo aos jornalistas.",
            ),
            "comment-thread": (
                [
                    "Comentários (3)",
                    "Ana: uma vergonha, a biblioteca merece mais dinheiro.",
                    "Luís: finalmente vão arrumar a minha rua.",
                ],
                "O secretário disse que 12 comentários chegaram fora do prazo e não foram contados.",
            ),
        },
    ),
    "fr": Language(
        (
            "Le conseil municipal a adopté mardi le nouveau budget, après un débat qui a duré presque toute la nuit.",
            "Les dépenses de voirie augmentent de dix pour cent, les bibliothèques gardent leurs moyens.",
            "La maire a indiqué que le plan serait revu au printemps, une fois connues les recettes de l’hiver.",
            "Les élus de l’opposition ont voté contre, jugeant peu crédibles les économies promises.",
            "Une lecture définitive est prévue le mois prochain, quand la région devra aussi approuver le budget.",
            "Les syndicats d’enseignants ont salué le gel des tarifs de la cantine scolaire jusqu’à l’automne.",
            "La commission des transports publiera avant l’été la liste des rues qui seront refaites.",
            "Deux conseillers se sont abstenus, affirmant ne pas avoir eu le temps de lire les documents définitifs.",
        ),
        "Le rapport consacre un chapitre au quartier {n}, où les dépenses pour les parcs varient de {n} pour cent.",
        {
            "share-counter": (["37 commentaires"], "Le texte a suscité 37 commentaires d’associations de quartier."),
            "share-widget": (
                ["Partager", "Facebook", "WhatsApp", "Copier le lien"],
                "Les habitants pourront partager leurs propositions sur Facebook ou WhatsApp jusqu’à vendredi.",
            ),
            "photo-credit": (
                ["Les élus lors du vote de mardi. Photo\u00a0: Jean Dupont / AFP"],
                "Une photo de la séance, prise par le service de presse de la mairie, montre la salle comble.",
            ),
            "media-label": (["Capture d’écran"], "La capture d’écran du vote a circulé sur les réseaux sociaux."),
            "read-more-lead-in": (
                ["Lire aussi\u00a0: La région gèle les frais d’inscription à l’université"],
                "Lire aussi le rapport de la chambre régionale des comptes, a conseillé la porte-parole.",
            ),
            "appeal": (
                ["Notre journalisme est gratuit et sans publicité. Soutenez-nous\u00a0: faites un don dès 5 euros."],
                "L’association des commerçants a demandé à ses adhérents de soutenir la coopérative d’achats.",
            ),
            "newsletter": (
                ["Recevez chaque matin l’essentiel de l’actualité locale\u00a0: inscrivez-vous à notre newsletter."],
                "La mairie enverra une lettre d’information à tous les foyers avant le vote.",
            ),
            "follow-us": (
                ["Suivez-nous sur Facebook, X et Instagram pour ne rien manquer."],
                "La maire suit sur les réseaux sociaux plusieurs élus de l’opposition, selon son entourage.",
            ),
            "comment-prompt": (
                ["Et vous, qu’en pensez-vous\u00a0? Donnez votre avis dans les commentaires."],
                "Les commentaires de l’opposition n’ont pas changé le résultat du vote, selon la porte-parole.",
            ),
            "credit-line": (
                ["Édité par Marie Martin, avec agences"],
                "Édité à mille exemplaires, le rapport a été distribué aux élus lundi.",
            ),
            "copyright-footer": (
                ["Le Journal de la Ville – Tous droits réservés"],
                "Les droits des riverains concernés sont réservés pour une négociation ultérieure, a dit l’avocat.",
            ),
            "advertising-label": (["Publicité"], "La publicité municipale a coûté 200 000 euros l’an dernier."),
            "affiliate-disclosure": (
                ["Liens d’affiliation\u00a0: nous pouvons percevoir une commission sur vos achats."],
                "La société retenue pourra percevoir une commission sur les amendes, selon le contrat.",
            ),
            "app-prompt": (
                ["Téléchargez l’application du Journal de la Ville pour recevoir nos alertes"],
                "La mairie a lancé l’an dernier une application pour signaler les nids-de-poule, a rappelé un élu.",
            ),
            "ad-blocker-notice": (
                ["Nous vivons de la publicité\u00a0: merci de désactiver votre bloqueur de publicité sur notre site."],
                "La mairie a bloqué la publicité pour les paris sportifs dans les bus municipaux.",
            ),
            "correction-prompt": (
                ["Vous avez repéré une erreur\u00a0? Signalez-la à la rédaction."],
                "La chambre des comptes a repéré une erreur dans les comptes de l’an dernier, a reconnu la maire.",
            ),
            "click-here": (
                ["Cliquez ici pour recevoir les alertes"],
                "Ceux qui cliquent ici et là sur le site de la mairie trouvent peu d’informations, disent-ils.",
            ),
            "related-list": (
                ["Dernières actualités", "La région gèle les frais d’inscription", "Un nouveau pont ouvrira en mars"],
                "Les dernières actualités du budget seront publiées sur le site de la mairie.",
            ),
            "author-bio": (
                ["À propos de l’auteur", "Jean Dupont couvre la politique municipale depuis 2015."],
                "À propos de l’auteur du projet, on sait peu de choses, sinon sa carrière dans l’administration.",
            ),
            "comment-section": (
                ["Commentaires", "Anne\u00a0: une honte, la bibliothèque mérite plus."],
                "Les commentaires des habitants seront recueillis jusqu’à vendredi.",
            ),
            "byline": (
                ["Par Éric Dupont, La Gazette de la Ville"],
                "Par ailleurs, la maire a promis une nouvelle consultation au printemps.",
            ),
            "date-line": (
                ["Publié le 12 mars 2025 à 10h30, mis à jour à 12h05"],
                "Le 12 mars 2025 à 10h30, le conseil votera les amendements de l’opposition.",
            ),
            "reading-time": (
                ["Temps de lecture\xa0: 3 min"],
                "Temps de lecture et temps de débat\xa0: l’opposition réclame les deux avant le vote.",
            ),
            "contact-line": (
                ["Vous avez une info\xa0? Écrivez-nous à redaction@gazette-ville.example"],
                "Les habitants peuvent écrire à la mairie pour déposer leurs objections avant la fin mars.",
            ),
            "ui-message": (
                ["Une erreur est survenue, veuillez réessayer plus tard."],
                "Une erreur est survenue dans les comptes, a reconnu l’adjoint, elle sera corrigée.",
            ),
            "share-prompt": (
                ["Cet article vous a plu\xa0? Partagez-le avec vos amis\xa0!"],
                "Les habitants partagent la nouvelle avec leurs amis au marché, selon les commerçants.",
            ),
            "tag-line": (
                ["Mots-clés : budget, conseil municipal, voirie"],
                "Thèmes : le logement et les transports ont occupé toute la séance, a dit la maire.",
            ),
            "editor-note": (
                ["NDLR\xa0: cet article a été mis à jour pour inclure la réaction de la maire."],
                "Une mise à jour du plan de voirie est prévue l’an prochain, selon la mairie.",
            ),
            "related-block": (
                ["Sur le même sujet", "La région gèle les frais d’inscription", "Un nouveau pont ouvrira en mars"],
                "Sur le même sujet, la maire a promis une consultation des habitants au printemps.",
            ),
            "comment-thread": (
                [
                    "Commentaires (3)",
                    "Anne\xa0: une honte, la bibliothèque mérite plus.",
                    "Luc\xa0: enfin ma rue sera refaite.",
                ],
                "Le greffier a indiqué que 12 commentaires étaient arrivés après la date limite.",
            ),
        },
    ),
    "de": Language(
        (
            "Der Stadtrat hat am Dienstag den neuen Haushalt beschlossen, nach einer Debatte bis tief in die Nacht.",
            "Die Ausgaben für Straßen steigen um zehn Prozent, die Bibliotheken behalten die Mittel des Vorjahres.",
            "Die Bürgermeisterin sagte, der Plan werde im Frühjahr überprüft, wenn die Steuereinnahmen bekannt seien.",
            "Die Opposition stimmte dagegen und nannte die versprochenen Einsparungen unglaubwürdig.",
            "Die abschließende Lesung ist für den nächsten Monat geplant, dann muss auch das Land zustimmen.",
            "Die Lehrergewerkschaften begrüßten, dass die Gebühren für das Schulessen eingefroren werden.",
            "Der Verkehrsausschuss will vor den Sommerferien eine Liste der Straßen veröffentlichen.",
            "Zwei Stadträte enthielten sich, weil sie nach eigenen Angaben nicht genug Zeit für die Unterlagen hatten.",
        ),
        "Der Bericht widmet dem Bezirk {n} ein Kapitel, dort ändern sich die Ausgaben für Parks um {n} Prozent.",
        {
            "share-counter": (["37 Kommentare"], "Zu dem Entwurf gingen 37 Kommentare von Bürgervereinen ein."),
            "share-widget": (
                ["Teilen", "Facebook", "WhatsApp", "Link kopieren"],
                "Die Bürger können ihre Vorschläge bis Freitag auf Facebook oder per WhatsApp teilen.",
            ),
            "photo-credit": (
                ["Die Stadträte bei der Abstimmung am Dienstag. Foto: Max Mustermann", "Foto: picture alliance / dpa"],
                "Ein Foto der Sitzung, aufgenommen von der Pressestelle, zeigt den vollen Ratssaal.",
            ),
            "media-label": (["Bildergalerie"], "Die Bildergalerie der Sitzung ist auf der Website der Stadt zu sehen."),
            "read-more-lead-in": (
                ["Lesen Sie auch: Land friert die Studiengebühren ein"],
                "Lesen Sie auch den Bericht des Rechnungsprüfers, riet die Sprecherin den Journalisten.",
            ),
            "appeal": (
                ["Unabhängiger Journalismus kostet Geld. Unterstützen Sie uns und werden Sie Mitglied."],
                "Der Einzelhandelsverband bat seine Mitglieder, die Einkaufsgenossenschaft zu unterstützen.",
            ),
            "newsletter": (
                ["Die wichtigsten Nachrichten jeden Morgen: Abonnieren Sie unseren kostenlosen Newsletter."],
                "Die Stadt verschickt ihren Newsletter zweimal im Jahr an alle Haushalte.",
            ),
            "follow-us": (
                ["Folgen Sie uns auf Facebook, X und Instagram."],
                "Die Bürgermeisterin folgt in sozialen Netzwerken mehreren Abgeordneten der Opposition.",
            ),
            "comment-prompt": (
                ["Was meinen Sie? Schreiben Sie einen Kommentar."],
                "Die Kommentare der Opposition änderten nichts am Ergebnis der Abstimmung, sagte die Sprecherin.",
            ),
            "credit-line": (
                ["Mit Material von dpa und Reuters"],
                "Mit Material aus dem Stadtarchiv belegt der Bericht die Kosten der letzten zehn Jahre.",
            ),
            "copyright-footer": (
                ["Stadtanzeiger – Alle Rechte vorbehalten."],
                "Alle Rechte der betroffenen Anwohner bleiben für spätere Verhandlungen gewahrt, sagte der Anwalt.",
            ),
            "advertising-label": (["Anzeige"], "Die Anzeige der Stadt erschien eine Woche lang in allen Zeitungen."),
            "affiliate-disclosure": (
                ["Dieser Artikel enthält Affiliate-Links. Kaufen Sie darüber ein, erhalten wir eine kleine Provision."],
                "Der beauftragte Dienstleister erhält eine Provision auf die Bußgelder, heißt es im Vertrag.",
            ),
            "app-prompt": (
                ["Laden Sie die Stadtanzeiger-App herunter und verpassen Sie keine Nachricht"],
                "Die Stadt hat im vergangenen Jahr eine App für Schlaglochmeldungen gestartet, sagte ein Sprecher.",
            ),
            "ad-blocker-notice": (
                ["Wir finanzieren uns durch Werbung. Bitte deaktivieren Sie Ihren Werbeblocker für unsere Seite."],
                "Die Stadt hat Werbung für Sportwetten in den städtischen Bussen verboten.",
            ),
            "correction-prompt": (
                ["Haben Sie einen Fehler entdeckt? Schreiben Sie uns."],
                "Der Rechnungsprüfer hat einen Fehler in der Bilanz des Vorjahres entdeckt, räumte die Stadt ein.",
            ),
            "click-here": (
                ["Hier klicken für die Eilmeldungen"],
                "Wer hier und da auf die Website der Stadt klickt, findet wenig, sagen Kritiker.",
            ),
            "related-list": (
                ["Weitere Nachrichten", "Land friert Studiengebühren ein", "Neue Brücke im März eröffnet"],
                "Weitere Nachrichten zum Haushalt veröffentlicht die Stadt auf ihrer Website.",
            ),
            "author-bio": (
                ["Über die Autorin", "Anna Schmidt berichtet seit 2015 über die Stadtpolitik."],
                "Über die Autorin des Plans ist wenig bekannt, außer ihrer langen Laufbahn in der Verwaltung.",
            ),
            "comment-section": (
                ["Kommentare", "Anna: Eine Schande, die Bibliothek verdient mehr Geld."],
                "Die Kommentare der Bürger werden bis Freitag gesammelt.",
            ),
            "byline": (
                ["Ein Kommentar von Jörg Müller"],
                "Von Montag an gilt im Rathaus eine neue Gebührenordnung für Parkplätze.",
            ),
            "date-line": (
                ["Veröffentlicht am 3. März 2025, 14:05 Uhr", "Stand: 12.03.2025, 10:42 Uhr"],
                "Am 3. März 2025 um 14:05 Uhr beginnt die entscheidende Sitzung im Rathaus.",
            ),
            "reading-time": (
                ["Lesezeit: 4 Minuten"],
                "Lesezeit und Redezeit wollte die Opposition vor der Abstimmung verlängern.",
            ),
            "contact-line": (
                ["Haben Sie Hinweise? Schreiben Sie an hinweise@stadtanzeiger.example"],
                "Bürger können der Stadt bis Ende März schreiben und Einwände gegen den Plan erheben.",
            ),
            "ui-message": (
                ["Es ist ein Fehler aufgetreten. Bitte versuchen Sie es später erneut."],
                "Es ist ein Fehler in der Abrechnung aufgetreten, räumte der Kämmerer ein.",
            ),
            "share-prompt": (
                ["Hat Ihnen dieser Artikel gefallen? Teilen Sie ihn mit Ihren Freunden."],
                "Viele Bürger teilen die Nachricht mit ihren Freunden auf dem Markt, sagen Händler.",
            ),
            "tag-line": (
                ["Schlagwörter: Haushalt, Stadtrat, Straßen"],
                "Themen: Wohnen und Verkehr bestimmten fast die ganze Sitzung, sagte die Bürgermeisterin.",
            ),
            "editor-note": (
                ["Korrektur: In einer früheren Version hieß es, die Sitzung habe am Montag stattgefunden."],
                "Eine Korrektur des Straßenplans ist für nächstes Jahr vorgesehen, hieß es im Rathaus.",
            ),
            "related-block": (
                [
                    "Das könnte Sie auch interessieren",
                    "Land friert Studiengebühren ein",
                    "Neue Brücke im März eröffnet",
                ],
                "Das könnte Sie auch interessieren, sagte die Bürgermeisterin und verwies auf den Bericht.",
            ),
            "comment-thread": (
                [
                    "Kommentare (5)",
                    "Anna: Eine Schande, die Bibliothek verdient mehr Geld.",
                    "Lukas: Endlich wird meine Straße saniert.",
                ],
                "Der Schriftführer sagte, 12 Kommentare seien nach Fristende eingegangen.",
            ),
        },
    ),
    "it": Language(
        (
            "Il consiglio comunale ha approvato martedì il nuovo bilancio, dopo un dibattito durato tutta la notte.",
            "La spesa per le strade cresce del dieci per cento, le biblioteche mantengono i fondi dell’anno scorso.",
            "La sindaca ha detto che il piano sarà rivisto in primavera, quando si conosceranno le entrate.",
            "I consiglieri di opposizione hanno votato contro, giudicando poco credibili i risparmi promessi.",
            "La lettura definitiva è prevista il mese prossimo, quando il bilancio dovrà passare anche in regione.",
            "I sindacati degli insegnanti hanno accolto con favore il blocco delle tariffe delle mense.",
            "La commissione trasporti pubblicherà prima dell’estate l’elenco delle strade da riasfaltare.",
            "Due consiglieri si sono astenuti, sostenendo di non aver avuto il tempo di leggere i documenti finali.",
        ),
        "La relazione dedica un capitolo al quartiere {n}, dove la spesa per i parchi cambia del {n} per cento.",
        {
            "share-counter": (["37 commenti"], "Il documento ha ricevuto 37 commenti dalle associazioni di quartiere."),
            "share-widget": (
                ["Condividi", "Facebook", "WhatsApp", "Copia link"],
                "I cittadini potranno condividere le loro proposte su Facebook o WhatsApp fino a venerdì.",
            ),
            "photo-credit": (
                ["I consiglieri durante il voto di martedì. Foto: Mario Rossi/Ansa"],
                "Una foto della seduta, scattata dall’ufficio stampa del Comune, mostra l’aula piena.",
            ),
            "media-label": (["Fotogallery"], "La fotogallery della seduta è stata pubblicata sul sito del Comune."),
            "read-more-lead-in": (
                ["Leggi anche: La regione congela le tasse universitarie"],
                "Leggi anche la relazione dei revisori, ha consigliato la portavoce ai giornalisti.",
            ),
            "appeal": (
                ["L’informazione locale ha bisogno di te. Sostienici: diventa sostenitore con 5 euro al mese."],
                "L’associazione dei commercianti ha chiesto ai soci di sostenere la cooperativa di acquisto.",
            ),
            "newsletter": (
                ["Iscriviti alla newsletter per ricevere ogni mattina le notizie della tua città."],
                "Il Comune invia la sua newsletter alle famiglie due volte l’anno.",
            ),
            "follow-us": (
                ["Seguici su Facebook, X e Instagram per restare aggiornato."],
                "La sindaca segue sui social diversi consiglieri dell’opposizione, secondo il suo staff.",
            ),
            "comment-prompt": (
                ["Cosa ne pensi? Lascia un commento qui sotto."],
                "I commenti dell’opposizione non hanno cambiato l’esito del voto, secondo la portavoce.",
            ),
            "credit-line": (
                ["A cura di Mario Rossi"],
                "A curare il progetto è stato un gruppo di architetti della regione, ha spiegato l’assessore.",
            ),
            "copyright-footer": (
                ["Il Giornale della Città - Riproduzione riservata"],
                "La riproduzione del vecchio municipio sarà esposta in biblioteca fino a maggio.",
            ),
            "advertising-label": (["Pubblicità"], "La pubblicità istituzionale è costata 200 mila euro l’anno scorso."),
            "affiliate-disclosure": (
                ["Questo articolo contiene link di affiliazione: potremmo ricevere una commissione sugli acquisti."],
                "La società incaricata potrà ricevere una commissione sulle multe, secondo il contratto.",
            ),
            "app-prompt": (
                ["Scarica l’app del Giornale della Città per ricevere le notizie"],
                "Il Comune ha lanciato l’anno scorso un’applicazione per segnalare le buche, ricorda un portavoce.",
            ),
            "ad-blocker-notice": (
                ["Viviamo di pubblicità: disattiva l’adblock sul nostro sito."],
                "Il Comune ha bloccato la pubblicità delle scommesse sugli autobus cittadini.",
            ),
            "correction-prompt": (
                ["Hai trovato un errore? Scrivi alla redazione."],
                "I revisori hanno trovato un errore nei conti dell’anno scorso, ha ammesso la sindaca.",
            ),
            "click-here": (
                ["Clicca qui per ricevere gli avvisi"],
                "Chi clicca qua e là sul sito del Comune trova poche informazioni, dicono i critici.",
            ),
            "related-list": (
                ["Altre notizie", "La regione congela le tasse universitarie", "Nuovo ponte sul fiume a marzo"],
                "Altre notizie sul bilancio saranno pubblicate sul sito del Comune.",
            ),
            "author-bio": (
                ["L’autore", "Mario Rossi segue la politica cittadina dal 2015."],
                "L’autore del piano è poco noto, a parte la sua lunga carriera nell’amministrazione.",
            ),
            "comment-section": (
                ["Commenti", "Anna: una vergogna, la biblioteca merita di più."],
                "I commenti dei cittadini saranno raccolti fino a venerdì.",
            ),
            "byline": (
                ["di Mario Rossi"],
                "Di sera il consiglio ha continuato a discutere gli emendamenti dell’opposizione.",
            ),
            "date-line": (
                ["Pubblicato il 12 marzo 2025 alle ore 10:42"],
                "Il 12 marzo 2025 alle ore 10 il consiglio voterà gli emendamenti.",
            ),
            "reading-time": (
                ["Tempo di lettura: 4 minuti"],
                "Tempo di lettura e di dibattito: è quanto ha chiesto l’opposizione prima del voto.",
            ),
            "contact-line": (
                ["Per segnalazioni scrivi a redazione@giornaledellacitta.example"],
                "I cittadini possono scrivere al Comune per presentare osservazioni entro fine marzo.",
            ),
            "ui-message": (
                ["Si è verificato un errore. Riprova più tardi."],
                "Si è verificato un errore nei conti, ha ammesso l’assessore, e sarà corretto.",
            ),
            "share-prompt": (
                ["Ti è piaciuto questo articolo? Condividilo con i tuoi amici."],
                "Molti cittadini condividono la notizia con gli amici al mercato, dicono i commercianti.",
            ),
            "tag-line": (
                ["Argomenti: bilancio, consiglio comunale, strade"],
                "Argomenti: la casa e i trasporti hanno occupato quasi tutta la seduta, ha detto la sindaca.",
            ),
            "editor-note": (
                ["Nota della redazione: l’articolo è stato aggiornato con la replica del sindaco."],
                "Un aggiornamento del piano stradale è previsto per il prossimo anno, dicono dal Comune.",
            ),
            "related-block": (
                [
                    "Potrebbe interessarti anche",
                    "La regione congela le tasse universitarie",
                    "Nuovo ponte sul fiume a marzo",
                ],
                "Potrebbe interessarti anche sapere che la seduta è trasmessa in diretta, ha detto la sindaca.",
            ),
            "comment-thread": (
                [
                    "Commenti (3)",
                    "Anna: una vergogna, la biblioteca merita di più.",
                    "Luca: finalmente sistemano la mia strada.",
                ],
                "Il segretario ha detto che 12 commenti sono arrivati dopo la scadenza.",
            ),
        },
    ),
    "pl": Language(
        (
            "Rada miasta przyjęła we wtorek nowy budżet po debacie, która trwała niemal całą noc.",
            "Wydatki na drogi rosną o dziesięć procent, a biblioteki zachowują środki z ubiegłego roku.",
            "Burmistrz powiedziała, że plan zostanie zrewidowany wiosną, gdy znane będą wpływy podatkowe z zimy.",
            "Radni opozycji głosowali przeciw, uznając obiecane na przyszły rok oszczędności za niewiarygodne.",
            "Ostateczne czytanie zaplanowano na przyszły miesiąc, wtedy budżet musi zatwierdzić także województwo.",
            "Związki nauczycieli z zadowoleniem przyjęły zamrożenie opłat za obiady w szkołach do jesieni.",
            "Komisja transportu opublikuje przed wakacjami listę ulic, które zostaną wyremontowane.",
            "Dwóch radnych wstrzymało się od głosu, twierdząc, że nie mieli czasu na lekturę dokumentów.",
        ),
        "Raport poświęca rozdział dzielnicy {n}, gdzie wydatki na parki zmienią się o {n} procent.",
        {
            "share-counter": (["37 komentarzy"], "Do projektu wpłynęło 37 komentarzy od stowarzyszeń mieszkańców."),
            "share-widget": (
                ["Udostępnij", "Facebook", "Wykop", "Kopiuj link"],
                "Mieszkańcy mogą udostępnić swoje propozycje na Facebooku do piątku.",
            ),
            "photo-credit": (
                ["Radni podczas wtorkowego głosowania. Fot. PAP/Łukasz Nowak", "fot. materiały prasowe"],
                "Zdjęcie z sesji, zrobione przez biuro prasowe urzędu, pokazuje pełną salę obrad.",
            ),
            "media-label": (["Galeria zdjęć"], "Galeria zdjęć z sesji jest dostępna na stronie urzędu."),
            "read-more-lead-in": (
                ["Czytaj też: Województwo zamraża opłaty za studia"],
                "Czytaj też raport biegłego rewidenta, radziła dziennikarzom rzeczniczka.",
            ),
            "appeal": (
                ["Niezależne dziennikarstwo kosztuje. Wesprzyj nas i zostań patronem naszej redakcji."],
                "Stowarzyszenie kupców poprosiło członków o wsparcie spółdzielni zakupowej.",
            ),
            "newsletter": (
                ["Zapisz się do naszego newslettera i otrzymuj najważniejsze wiadomości z miasta."],
                "Urząd wysyła swój newsletter do mieszkańców dwa razy w roku.",
            ),
            "follow-us": (
                ["Obserwuj nas na Facebooku i w serwisie X."],
                "Burmistrz obserwuje w mediach społecznościowych kilku radnych opozycji, mówią jej współpracownicy.",
            ),
            "comment-prompt": (
                ["Co o tym myślisz? Dodaj komentarz pod artykułem."],
                "Komentarze opozycji nie zmieniły wyniku głosowania, powiedziała rzeczniczka.",
            ),
            "credit-line": (
                ["Opracowanie: Jan Kowalski"],
                "Opracowanie planu zajęło urzędnikom ponad rok, przyznała burmistrz.",
            ),
            "copyright-footer": (
                ["Gazeta Miejska. Wszelkie prawa zastrzeżone."],
                "Prawa mieszkańców zostały zastrzeżone do dalszych negocjacji, powiedział prawnik.",
            ),
            "advertising-label": (["Reklama"], "Reklama miejska kosztowała w zeszłym roku 200 tys. złotych."),
            "affiliate-disclosure": (
                ["Artykuł zawiera linki afiliacyjne. Jeśli kupisz coś przez nie, możemy otrzymać prowizję."],
                "Wykonawca może otrzymać prowizję od mandatów, wynika z umowy.",
            ),
            "app-prompt": (
                ["Pobierz naszą aplikację i bądź na bieżąco"],
                "Urząd uruchomił w zeszłym roku aplikację do zgłaszania dziur w drogach, przypomniał rzecznik.",
            ),
            "ad-blocker-notice": (
                ["Utrzymujemy się z reklam. Wyłącz bloker reklam na naszej stronie."],
                "Miasto zablokowało reklamy zakładów bukmacherskich w autobusach miejskich.",
            ),
            "correction-prompt": (
                ["Zauważyłeś błąd? Napisz do redakcji."],
                "Biegły rewident zauważył błąd w zeszłorocznych rachunkach, przyznała burmistrz.",
            ),
            "click-here": (
                ["Kliknij tutaj, aby otrzymywać powiadomienia"],
                "Mieszkańcy, którzy klikają tu i tam na stronie urzędu, znajdują niewiele, mówią krytycy.",
            ),
            "related-list": (
                ["Najnowsze wiadomości", "Województwo zamraża opłaty za studia", "Nowy most otwarty w marcu"],
                "Najnowsze wiadomości o budżecie urząd opublikuje na swojej stronie.",
            ),
            "author-bio": (
                ["O autorze", "Jan Kowalski pisze o polityce miejskiej od 2015 roku."],
                "O autorze projektu wiadomo niewiele poza jego długą karierą w administracji.",
            ),
            "comment-section": (
                ["Komentarze", "Anna: wstyd, biblioteka zasługuje na więcej."],
                "Komentarze mieszkańców będą zbierane do piątku.",
            ),
            "byline": (
                ["Autor: Łukasz Nowak"],
                "Autor projektu, Jan Kowalski, przedstawił radnym swoje poprawki we wtorek.",
            ),
            "date-line": (
                ["Opublikowano: 12 marca 2025, 10:42", "Aktualizacja: środa, 12 marca 2025 r., godz. 13:05"],
                "12 marca 2025 r. rada zbierze się ponownie, by głosować nad poprawkami.",
            ),
            "reading-time": (
                ["Czas czytania: 3 min"],
                "Czas czytania dokumentów był zbyt krótki, skarżyli się radni opozycji.",
            ),
            "contact-line": (
                ["Masz informacje w tej sprawie? Napisz do nas: redakcja@wiadomosci-miasta.example"],
                "Mieszkańcy mogą pisać do urzędu miasta z uwagami do końca marca.",
            ),
            "ui-message": (
                ["Wystąpił błąd. Spróbuj ponownie później."],
                "Wystąpił błąd w rozliczeniach, przyznał skarbnik, i zostanie poprawiony.",
            ),
            "share-prompt": (
                ["Podobał ci się ten artykuł? Udostępnij go znajomym."],
                "Wielu mieszkańców udostępnia tę wiadomość znajomym, mówią sprzedawcy z targu.",
            ),
            "tag-line": (
                ["Tagi: budżet, rada miasta, drogi"],
                "Tematy: mieszkania i transport zajęły prawie całą sesję, powiedziała burmistrz.",
            ),
            "editor-note": (
                ["Od redakcji: tekst zaktualizowaliśmy o odpowiedź prezydenta miasta."],
                "Aktualizacja planu remontów dróg jest planowana na przyszły rok, przekazał urząd.",
            ),
            "related-block": (
                ["Czytaj także", "Województwo zamraża opłaty za studia", "Nowy most otwarty w marcu"],
                "Czytaj także uzasadnienie budżetu, radziła dziennikarzom rzeczniczka.",
            ),
            "comment-thread": (
                [
                    "Komentarze (3)",
                    "Anna: wstyd, biblioteka zasługuje na więcej.",
                    "Marek: wreszcie wyremontują moją ulicę.",
                ],
                "Sekretarz powiedział, że 12 komentarzy wpłynęło po terminie i nie zostały policzone.",
            ),
        },
    ),
    "ru": Language(
        (
            "Городской совет во вторник утвердил новый бюджет после дебатов, которые продолжались почти всю ночь.",
            "Расходы на дороги вырастут на десять процентов, а библиотеки сохранят финансирование прошлого года.",
            "Мэр заявила, что план пересмотрят весной, когда станут известны налоговые поступления за зиму.",
            "Депутаты оппозиции голосовали против, назвав обещанную экономию на следующий год недостоверной.",
            "Окончательное чтение назначено на следующий месяц, тогда бюджет должна утвердить и область.",
            "Профсоюзы учителей приветствовали заморозку цен на школьное питание до осени.",
            "Транспортная комиссия до летних каникул опубликует список улиц, которые отремонтируют.",
            "Двое депутатов воздержались, заявив, что не успели прочитать итоговые документы.",
        ),
        "В докладе есть глава о районе {n}, где расходы на парки изменятся на {n} процентов.",
        {
            "share-counter": (["37 комментариев"], "За время обсуждения к проекту поступило 37 комментариев."),
            "share-widget": (
                ["Поделиться", "ВКонтакте", "Telegram", "Скопировать ссылку"],
                "Жители могут поделиться своими предложениями во ВКонтакте до пятницы.",
            ),
            "photo-credit": (
                [
                    "Депутаты во время голосования во вторник. Фото: Андрей Иванов / РИА Новости",
                    "Фото: пресс-служба городского совета",
                ],
                "Фото заседания, сделанное пресс-службой мэрии, показывает полный зал.",
            ),
            "media-label": (["Кадр из видео"], "Кадр из видео с заседания разошелся по соцсетям."),
            "read-more-lead-in": (
                ["Читайте также: Область заморозила плату за обучение в вузах"],
                "Читайте также отчет контрольно-счетной палаты, посоветовала журналистам пресс-секретарь.",
            ),
            "appeal": (
                ["Независимая журналистика стоит денег. Поддержите нас — станьте патроном редакции."],
                "Ассоциация предпринимателей попросила своих членов поддержать закупочный кооператив.",
            ),
            "newsletter": (
                ["Подпишитесь на нашу рассылку и получайте главные новости города на почту."],
                "Жителей предупредили о перекрытии улиц через SMS-рассылку.",
            ),
            "follow-us": (
                ["Подписывайтесь на наш Telegram-канал, чтобы не пропустить главное."],
                "Мэр подписана в соцсетях на нескольких депутатов оппозиции, рассказали в ее окружении.",
            ),
            "comment-prompt": (
                ["Что вы об этом думаете? Оставьте комментарий ниже."],
                "Комментарии оппозиции не изменили итог голосования, сообщила пресс-секретарь.",
            ),
            "credit-line": (
                ["По материалам ТАСС и «Интерфакса»"],
                "По материалам дела, подрядчик завысил стоимость работ на треть.",
            ),
            "copyright-footer": (
                ["Городские новости. Все права защищены."],
                "Права жителей, чьи дома пострадали, защищены договором, заявил юрист.",
            ),
            "advertising-label": (
                ["Реклама", "Реклама. ООО «Ромашка», ИНН 7700000000. erid: 2VtzqvXyZ1a"],
                "Реклама мэрии в прошлом году обошлась в 2 миллиона рублей.",
            ),
            "affiliate-disclosure": (
                ["В статье есть партнерские ссылки: мы получаем комиссию с покупок по ним."],
                "Подрядчик сможет получать комиссию со штрафов, следует из контракта.",
            ),
            "app-prompt": (
                ["Скачайте наше приложение и читайте новости первыми"],
                "Мэрия в прошлом году запустила приложение для жалоб на ямы, напомнил представитель.",
            ),
            "ad-blocker-notice": (
                ["Мы существуем за счет рекламы. Пожалуйста, отключите блокировщик рекламы."],
                "Мэрия запретила рекламу букмекеров в городских автобусах.",
            ),
            "correction-prompt": (
                ["Нашли ошибку? Выделите ее и нажмите Ctrl+Enter."],
                "Аудиторы нашли ошибку в прошлогодних расчетах, признала мэр.",
            ),
            "click-here": (
                ["Нажмите здесь, чтобы получать уведомления"],
                "Жители, которые нажимают здесь и там на сайте мэрии, находят мало информации.",
            ),
            "related-list": (
                ["Последние новости", "Область заморозила плату за обучение", "Новый мост откроют в марте"],
                "Последние новости о бюджете мэрия опубликует на своем сайте.",
            ),
            "author-bio": (
                ["Об авторе", "Андрей Иванов пишет о городской политике с 2015 года."],
                "Об авторе проекта известно немного, кроме его долгой карьеры в администрации.",
            ),
            "comment-section": (
                ["Комментарии", "Анна: позор, библиотека заслуживает большего."],
                "Комментарии жителей будут собирать до пятницы.",
            ),
            "byline": (["Автор: Андрей Иванов"], "Автор поправок, депутат Сергей Петров, представил их во вторник."),
            "date-line": (
                ["Опубликовано 12 марта 2025, 10:42", "Обновлено 12.03.2025 в 13:05 мск"],
                "12 марта 2025 года депутаты снова соберутся, чтобы голосовать по поправкам.",
            ),
            "reading-time": (
                ["Время чтения: 5 минут"],
                "Время чтения документов было слишком коротким, жаловались депутаты оппозиции.",
            ),
            "contact-line": (
                ["Есть новость? Пишите нам на news@gorodskie-novosti.example"],
                "Жители могут писать в мэрию со своими замечаниями до конца марта.",
            ),
            "ui-message": (
                ["Произошла ошибка. Попробуйте позже."],
                "Произошла ошибка в расчетах, признал аудитор, ее исправят в этом месяце.",
            ),
            "share-prompt": (
                ["Понравилась статья? Поделитесь с друзьями!"],
                "Многие жители делятся новостью с друзьями на рынке, рассказали продавцы.",
            ),
            "tag-line": (
                ["Теги: бюджет, городской совет, дороги"],
                "Темы: жильё и транспорт заняли почти всё заседание, сказала мэр.",
            ),
            "editor-note": (
                ["Примечание редакции: материал обновлен после ответа мэрии."],
                "Уточнение плана ремонта дорог ожидается в следующем году, сообщили в мэрии.",
            ),
            "related-block": (
                ["Читайте также", "Область заморозила плату за обучение", "Новый мост откроют в марте"],
                "Читайте также решение сессии на сайте мэрии, напомнила пресс-секретарь.",
            ),
            "comment-thread": (
                [
                    "Комментарии (3)",
                    "Анна: позор, библиотека заслуживает большего.",
                    "Олег: наконец-то отремонтируют мою улицу.",
                ],
                "Секретарь сообщил, что 12 комментариев поступили после срока и не были учтены.",
            ),
        },
    ),
    "uk": Language(
        (
            "Міська рада у вівторок ухвалила новий бюджет після дебатів, які тривали майже всю ніч.",
            "Видатки на дороги зростуть на десять відсотків, а бібліотеки збережуть фінансування минулого року.",
            "Міська голова заявила, що план переглянуть навесні, коли стануть відомі податкові надходження за зиму.",
            "Депутати опозиції голосували проти, назвавши обіцяну на наступний рік економію недостовірною.",
            "Остаточне читання призначене на наступний місяць, тоді бюджет має затвердити й область.",
            "Профспілки вчителів привітали заморожування цін на шкільне харчування до осені.",
            "Транспортна комісія до літніх канікул оприлюднить перелік вулиць, які відремонтують.",
            "Двоє депутатів утрималися, заявивши, що не встигли прочитати остаточні документи.",
        ),
        "У доповіді є розділ про район {n}, де видатки на парки зміняться на {n} відсотків.",
        {
            "share-counter": (["37 коментарів"], "За час обговорення до проєкту надійшло 37 коментарів."),
            "share-widget": (
                ["Поділитися", "Facebook", "Telegram", "Копіювати посилання"],
                "Мешканці можуть поділитися своїми пропозиціями у Facebook до п’ятниці.",
            ),
            "photo-credit": (
                ["Депутати під час голосування у вівторок. Фото: Укрінформ", "Фото: з відкритих джерел"],
                "Фото засідання, зроблене пресслужбою міськради, показує повну залу.",
            ),
            "media-label": (["Фото ілюстративне"], "Ілюстративне фото з архіву міськради показує старий зал засідань."),
            "read-more-lead-in": (
                ["Читайте також: Область заморозила плату за навчання у вишах"],
                "Читайте також звіт аудиторів, порадила журналістам речниця.",
            ),
            "appeal": (
                ["Незалежна журналістика потребує підтримки. Підтримайте нас — станьте патроном редакції."],
                "Асоціація підприємців попросила своїх членів підтримати закупівельний кооператив.",
            ),
            "newsletter": (
                ["Підпишіться на нашу розсилку й отримуйте головні новини міста на пошту."],
                "Мешканців попередили про перекриття вулиць через SMS-розсилку.",
            ),
            "follow-us": (
                ["Підписуйтеся на наш Telegram-канал, щоб не пропустити головне."],
                "Міська голова підписана в соцмережах на кількох депутатів опозиції, розповіли в її оточенні.",
            ),
            "comment-prompt": (
                ["Що ви про це думаєте? Залиште коментар нижче."],
                "Коментарі опозиції не змінили результату голосування, повідомила речниця.",
            ),
            "credit-line": (
                ["Підготувала Олена Коваленко"],
                "Підготовка нового плану зайняла в чиновників понад рік, визнала міська голова.",
            ),
            "copyright-footer": (
                ["Міські новини. Усі права захищено."],
                "Права мешканців, чиї будинки постраждали, захищено договором, заявив юрист.",
            ),
            "advertising-label": (["Реклама"], "Реклама міськради торік коштувала 2 мільйони гривень."),
            "affiliate-disclosure": (
                ["Стаття містить партнерські посилання: ми отримуємо комісію з покупок через них."],
                "Підрядник зможе отримувати комісію зі штрафів, випливає з контракту.",
            ),
            "app-prompt": (
                ["Завантажте наш застосунок і читайте новини першими"],
                "Міськрада торік запустила застосунок для скарг на ями, нагадав речник.",
            ),
            "ad-blocker-notice": (
                ["Ми існуємо завдяки рекламі. Будь ласка, вимкніть блокувальник реклами."],
                "Міськрада заборонила рекламу букмекерів у міських автобусах.",
            ),
            "correction-prompt": (
                ["Помітили помилку? Виділіть її та натисніть Ctrl+Enter."],
                "Аудитори помітили помилку в торішніх розрахунках, визнала міська голова.",
            ),
            "click-here": (
                ["Натисніть тут, щоб отримувати сповіщення"],
                "Мешканці, які натискають тут і там на сайті міськради, знаходять мало інформації.",
            ),
            "related-list": (
                ["Останні новини", "Область заморозила плату за навчання", "Новий міст відкриють у березні"],
                "Останні новини про бюджет міськрада оприлюднить на своєму сайті.",
            ),
            "author-bio": (
                ["Про автора", "Олена Коваленко пише про міську політику з 2015 року."],
                "Про автора проєкту відомо небагато, крім його довгої кар’єри в адміністрації.",
            ),
            "comment-section": (
                ["Коментарі", "Анна: ганьба, бібліотека заслуговує на більше."],
                "Коментарі мешканців збиратимуть до п’ятниці.",
            ),
            "byline": (
                ["Автор: Олена Коваленко"],
                "Автор поправок, депутат Сергій Петренко, представив їх у вівторок.",
            ),
            "date-line": (
                ["Опубліковано 12 березня 2025 р. о 10:42", "Оновлено: 12.03.2025, 13:05"],
                "12 березня 2025 року депутати знову зберуться, щоб голосувати за поправки.",
            ),
            "reading-time": (
                ["Час читання: 4 хв"],
                "Час читання документів був надто коротким, скаржилися депутати опозиції.",
            ),
            "contact-line": (
                ["Маєте новину? Пишіть нам на news@miski-novyny.example"],
                "Мешканці можуть писати до міськради зі своїми зауваженнями до кінця березня.",
            ),
            "ui-message": (
                ["Сталася помилка. Спробуйте пізніше."],
                "Сталася помилка в розрахунках, визнав аудитор, її виправлять цього місяця.",
            ),
            "share-prompt": (
                ["Сподобалася стаття? Поділіться з друзями!"],
                "Багато мешканців діляться новиною з друзями на ринку, розповіли продавці.",
            ),
            "tag-line": (
                ["Теги: бюджет, міська рада, дороги"],
                "Теми: житло і транспорт зайняли майже все засідання, сказала мерка.",
            ),
            "editor-note": (
                ["Від редакції: матеріал оновлено після відповіді міськради."],
                "Уточнення плану ремонту доріг очікується наступного року, повідомили в міськраді.",
            ),
            "related-block": (
                ["Читайте також", "Область заморозила плату за навчання", "Новий міст відкриють у березні"],
                "Читайте також рішення сесії на сайті міськради, нагадала речниця.",
            ),
            "comment-thread": (
                [
                    "Коментарі (3)",
                    "Анна: ганьба, бібліотека заслуговує на більше.",
                    "Олег: нарешті відремонтують мою вулицю.",
                ],
                "Секретар повідомив, що 12 коментарів надійшли після терміну й не були враховані.",
            ),
        },
    ),
}

CASES = [(lang, rule) for lang, language in LANGUAGES.items() for rule in language.cases]


@pytest.mark.parametrize(("lang", "rule"), CASES, ids=[f"{lang}-{rule}" for lang, rule in CASES])
def test_rule_removes_boilerplate_and_keeps_near_miss(lang: str, rule: str) -> None:
    language = LANGUAGES[lang]
    junk, near_miss = language.cases[rule]
    result = clean_text(language.article(junk, PLACE[rule]), site_rules=False)
    removed_by_rule = [r.text for r in result.removed if r.rule == f"default:{rule}"]
    assert removed_by_rule == junk, result.removed
    assert result.text == language.article([], PLACE[rule])
    kept = clean_text(language.article([near_miss], PLACE[rule]), site_rules=False)
    assert not kept.removed, kept.removed


def _phrase_files() -> dict[str, dict[str, list[str]]]:
    return {
        p.stem: tomllib.loads(p.read_text(encoding="utf-8"))["phrases"] for p in sorted((RULES / "lang").glob("*.toml"))
    }


def _patterns(path: Path) -> dict[str, str]:
    """Rule name -> pattern, for the text rules of a rule file."""
    text = tomllib.loads(path.read_text(encoding="utf-8")).get("text", {})
    return {r["name"]: r["pattern"] for kind in ("drop", "cut") for r in text.get(kind, [])}


def _classes_used(path: Path) -> set[str]:
    return {cls for pattern in _patterns(path).values() for cls in re.findall(r"\{\{(\w+)\}\}", pattern)}


def test_every_rule_with_phrases_has_a_case_in_every_language() -> None:
    with_phrases = {name for name, pattern in _patterns(RULES / "default.toml").items() if "{{" in pattern}
    assert set(PLACE) == with_phrases
    assert set(LANGUAGES) | {"en"} == set(_phrase_files())
    for language in LANGUAGES.values():
        assert set(language.cases) == with_phrases


def test_phrase_files_cover_the_generic_classes_and_name_no_unknown_one() -> None:
    generic = _classes_used(RULES / "default.toml")
    used = set().union(*(_classes_used(p) for p in RULES.rglob("*.toml") if p.parent.name != "lang"))
    for lang, classes in _phrase_files().items():
        assert generic <= set(classes) <= used, lang


def test_no_phrase_matches_the_empty_string() -> None:
    """Such a phrase would make every block match a searched class such as {{appeal}}."""
    for lang, classes in _phrase_files().items():
        for cls, phrases in classes.items():
            assert not [p for p in phrases if re.fullmatch(p, "")], (lang, cls)


def test_a_new_language_is_a_data_file_in_a_rule_folder(tmp_path: Path) -> None:
    extra = tmp_path / "my-rules"
    (extra / "lang").mkdir(parents=True)
    (extra / "lang" / "eo.toml").write_text(
        'language = "eo"\nname = "Esperanto"\n[phrases]\nread_more = [\'legu ankaŭ\']\n', encoding="utf-8"
    )
    lead_in = "Legu ankaŭ: La urbo frostigas la impostojn"
    document = LANGUAGES["es"].article([lead_in], "middle").encode()

    shipped = run_cli("clean", "-", "--no-site-rules", "--format", "json", stdin=document)
    assert shipped.returncode == 0, shipped.stderr_text
    assert lead_in in json.loads(shipped.stdout_text)["text"]

    extended = run_cli("clean", "-", "--no-site-rules", "--format", "json", "--rules", extra, stdin=document)
    assert extended.returncode == 0, extended.stderr_text
    output = json.loads(extended.stdout_text)
    assert lead_in not in output["text"]
    assert {"rule": "default:read-more-lead-in", "stage": "text", "text": lead_in} in output["removed"]

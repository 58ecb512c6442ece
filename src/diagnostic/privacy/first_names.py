"""Common first names, French and English, for finding person names in free text.

A first name followed by a capitalised word (« Martine Lambert », « Victor HUGO ») is taken
for a person's name. The list holds the names most given in France and in English-speaking
countries over the last century, written lower case without accents; names that are also
ordinary words or places met in a territory's answers (France, Rose, Olive, Avril…) are left
out on purpose, since a false « name » would hide a word the analysis needs.
"""

from __future__ import annotations

_FRENCH = """
adele adrien agathe agnes alain albert alexandra alexandre alexis alfred alice alix aline
amandine amelie anais andre andree angelique anne annette annick annie anthony antoine
antoinette arnaud arthur audrey aurelie aurelien baptiste beatrice benedicte benjamin benoit
bernadette bernard bertrand brigitte bruno camille carole caroline catherine cecile celine
chantal charles charlotte christelle christian christiane christine christophe claude
claudine clement clemence colette corinne cyril cyrille damien daniel daniele danielle david
delphine denis denise didier dominique edith edouard elisabeth elise eliane eloise emile
emilie emma emmanuel emmanuelle eric estelle etienne eugene eveline evelyne fabien fabienne
fabrice florence florian francine francis francoise franck francois frederic frederique
gabriel gabrielle gaelle genevieve georges gerard ghislaine gilbert gilles gisele guillaume
guy guylaine helene henri herve hugo hugues ines irene isabelle jacqueline jacques jean
jeanne jeannine jeremie jeremy jerome joel joelle jonathan josette joseph josiane julie
julien juliette justine karine laetitia laure laurence laurent lea lea leon leonie lionel
lise louis louise luc lucas lucie lucien lucienne ludovic lydie madeleine manon marc marcel
marcelle marguerite marie marielle marine marion marius martine mathieu mathilde matthieu
maurice maxime melanie michel micheline michele mickael mireille monique morgane muriel
mylene nadine nathalie nicolas nicole noel noelle odette odile olivier pascal pascale
patrice patricia patrick paul paule paulette philippe pierre quentin raphael raymond regine
remi renee rene robert roger roland romain sabine sandrine sebastien serge severine simone
solange sophie stephane stephanie suzanne sylvain sylvie therese thierry thomas timothee
valentin valerie vanessa veronique victor vincent virginie vivien xavier yann yannick yves
yvette yvonne zoe jean-pierre jean-paul jean-luc jean-claude jean-marc jean-marie
jean-francois jean-louis jean-michel jean-jacques marie-claude marie-christine marie-france
marie-therese anne-marie anne-sophie pierre-yves
"""

_ENGLISH = """
aaron abigail adam alan alexander alison amanda amy andrew angela ann anna anthony ashley
barbara betty brian carol catherine charles christopher daniel david deborah dennis donald
donna dorothy edward elizabeth emily eric frank gary george helen jacob james jason jeffrey
jennifer jessica john jonathan joseph joshua karen kathleen kenneth kevin kimberly larry
laura linda lisa margaret mark mary matthew melissa michael michelle nancy nicholas olivia
pamela patricia paul peter rebecca richard robert ronald ryan samuel sandra sarah scott
sharon stephen steven susan thomas timothy william
"""

#: Lower-case first names without accents.
FIRST_NAMES = frozenset((_FRENCH + _ENGLISH).split())

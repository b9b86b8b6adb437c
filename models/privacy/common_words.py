"""Words so common that a name made only of them is a phrase first ("Thank You", "Will Do").

An erasure redacts a person's full name in other people's conversations only
when the name is more than such a phrase: a contact called "Thank You" must
not take "thank you so much" out of every customer's messages. Names made only
of these words are left to the agent (the redaction picker suggests them).
English, with the greetings and thanks of a few other languages help desks see.
"""

from __future__ import annotations

COMMON_WORDS = frozenset(
    """
    a about above after again against all also am an and any are as at away back be
    because been before being below best between both but by can cannot could day days
    dear did do does doing done down during each even ever every few first for from
    further get gets getting give go going good got great had has have having he her here
    hers herself him himself his how i if in into is it its itself just keep kind kindly
    know last let like little long look lot lots made make many may me might more most
    much must my myself need new next nice no nor not now of off ok okay old on once one
    only or other our ours ourselves out over own please put quick really regards right
    same see she should so some soon still such sure take than thank thanks that the
    their theirs them themselves then there these they thing things this those through
    time to today too try two under until up us very want was way we well were what
    when where which while who whom why will with would yes yet you your yours yourself
    yourselves hello hi hey morning afternoon evening night goodbye bye cheers welcome
    sorry happy birthday love team support service help desk customer order account
    invoice refund delivery payment card number phone email address name message
    monday tuesday wednesday thursday friday saturday sunday week month year
    january february march april june july august september october november december
    merci beaucoup bonjour bonsoir salut madame monsieur oui non
    danke sehr hallo guten tag morgen abend bitte ja nein
    gracias hola buenos dias buenas tardes noches por favor si
    grazie ciao buongiorno obrigado obrigada ola bom dia
    """.split()
)


def is_common_phrase(words: list[str]) -> bool:
    """True when every word (already folded to lower case) is a common word."""
    return bool(words) and all(word in COMMON_WORDS for word in words)

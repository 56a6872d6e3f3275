"""The phrases the relation rules read (extractor/nlp/relations.py), as regular expressions.

Gaps are the text between two entities, usually with the entities blanked out
(``relations._gap``); a pattern used with ``fullmatch`` must cover the whole gap, one used
with ``search`` only needs to occur in it. Kept apart from the rules so that the wording can
be read, extended and reviewed in one place.
"""

from __future__ import annotations

import re

# Gap (entity texts removed) between a drug and a modifier after it that still reads as
# "the drug's own dose": "at a dose of", "(", "," ...
TIGHT_AFTER_DRUG = re.compile(
    r"[\s,:;()\[\]/+-]*(?:(?:at|a|an|the|of|in|dose|doses|dosage|doses of|mean|median|starting|"
    r"initial|total|was|were|given|administered|daily|usual|standard|reduced|increased|"
    r"maintenance|then|up|to)\b[\s,:()\[\]/-]*)*",
    re.IGNORECASE,
)
# Gap between a modifier and a drug after it: "of", "with", "of combination therapy with".
LEADS_TO_DRUG = re.compile(
    r"[\s,(-]*(?:(?:of|with|the|combination|combined|therapy|treatment|regimen|course|"
    r"monotherapy|add-on|oral|topical)\b[\s,(-]*)*",
    re.IGNORECASE,
)
ROUTE_BEFORE_DRUG = re.compile(r"[\s(-]*", re.IGNORECASE)
# Drugs joined only by a connector form one coordinated group.
COORDINATION = re.compile(
    r"[\s,;]*(?:(?:and|plus|or|with|together with|combined with|in combination with)\b|[+&/])?"
    r"[\s,]*",
    re.IGNORECASE,
)
# Adverse events joined only by a connector ("A, B and C", "A and/or B").
AE_COORDINATION = re.compile(
    r"[\s,/]*(?:(?:and|or|as well as|with|including|such as)\b[\s,/]*)*", re.IGNORECASE)
# A drug right after another in parentheses names the same drug: "all-trans retinoic acid
# (ATRA)", "disopyramide (Norpace)"; an attribution to one is an attribution to both.
APPOSITION = re.compile(r"\s*[(\[]\s*")
PAREN_CONNECTORS = re.compile(r"[\s,;/+&]*(?:(?:and|or|plus)\b[\s,;/+&]*)*", re.IGNORECASE)
PAREN_GROUP = re.compile(r"\(([^()]{1,120})\)")
# Boundaries that end the run of AEs an attribution in parentheses can cover.
SEGMENT_BREAK = re.compile(r"[\t;\n]|\.\s")

# --- treatment cues (gaps with the entities blanked out) ---
TREAT_FILLER = (  # a few words before the problem's span: "for chronic low back pain"
    r"(?:(?!(?:and|or|with|after|following|induced|due|which|who|that|developed|experienced|"
    r"presented|had|has|was|were|showed|suffered|caused|led)\b)[\w'-]+[\s,()]+){0,3}"
)
DRUG_FOR_PROBLEM = re.compile(  # drug ... problem: "naproxen for back pain"
    r"[\s,()]*(?:(?:therapy|treatment|was|were|is|are|had been|has been|being|been|started|"
    r"given|prescribed|added|used|initiated|administered|instituted|commenced|successfully|"
    r"effectively|also|then|subsequently)\b[\s,()]*)*"
    r"(?:for|to treat|to control|to manage|against|in the (?:treatment|management) of|"
    r"for the (?:treatment|management) of)\b[\s,()]*" + TREAT_FILLER,
    re.IGNORECASE,
)
PROBLEM_TREATED_WITH = re.compile(  # problem ... drug: "Y was successfully treated with X"
    r"[\s,()]*(?:(?:was|were|is|are|had been|has been|being|been|then|subsequently|which|that|"
    r"and|\w+ly)\b[\s,]*)*"
    r"(?:treated|managed|controlled|relieved|reversed|responded|responding|improved|resolved|"
    r"cured|corrected|abated|subsided|disappeared|treatment)\b[\s,]*(?:\w+ly\s+)?"
    r"(?:with|by|to|using|on|upon|after|following)\b[\s,]*"
    r"(?:(?:the|a|an|oral|intravenous|iv|topical|systemic|high-dose|low-dose|"
    r"(?:(?:a )?(?:course|trial|dose|combination) of)|(?:treatment|therapy) with)\b[\s,]*)*",
    re.IGNORECASE,
)
TREATMENT_OF = re.compile(  # "treatment of Y with X": the words before Y, then the gap Y..X
    r"\b(?:treat(?:ment|ed|ing)?|management|therapy|manag(?:ed|ing)|control)\s+(?:of|for)\s+"
    r"(?:[\w'-]+\s+){0,2}$",
    re.IGNORECASE,
)
# ... unless "in" names what changed: "an increase in hypertension events", "a rise in ALT".
CHANGE_IN = re.compile(
    r"\b(?:increase[sd]?|rises?|decrease[sd]?|reductions?|elevations?|drops?|changes?|"
    r"incidence|rates?|risk|worsening|improvement|abnormalit(?:y|ies))\s+in\s+"
    r"(?:[\w'-]+\s+){0,2}$",
    re.IGNORECASE,
)
# A gap that ends in a successful treatment: "Y ...: successful treatment with X".
SUCCESSFUL_TREATMENT = re.compile(
    r"\b(?:success\w*|effective\w*|prompt\w*)\s+(?:treatment|treated|therapy|management|"
    r"managed)\s+(?:with|by|using)\s+(?:(?:the|a|an|oral|intravenous|iv)\s+)*$",
    re.IGNORECASE,
)
# Right after a drug: it was stopped ("Y disappeared after X was stopped" is a dechallenge).
DRUG_STOPPED = re.compile(
    r"\s*(?:therapy|treatment|use)?\s*(?:was|were|had been|has been|is|are)?\s*"
    r"(?:discontinu\w*|withdr[ae]wn?|stopp?ed|ceased|tapered|interrupted|held|withheld)\b",
    re.IGNORECASE,
)
WITH_DRUG = re.compile(r"[\s,]*(?:with|by|using)\b[\s,]*(?:(?:the|a|an|oral|intravenous|iv)"
                        r"\b[\s,]*)*", re.IGNORECASE)

# --- adverse-event cues ---
# Drug then AE, nothing but a hyphenated cause word between: "methotrexate-induced hepatitis".
DRUG_THEN_AE_ADJ = re.compile(
    r"\s*-?\s*(?:induced|associated|related|mediated|attributed|caused|triggered|provoked|"
    r"evoked|elicited|exacerbated|dependent)\s*"
    r"(?:(?!(?:in|with|of|for|and|or|after|during|on|from|by)\b)[\w-]+\s+){0,3}",
    re.IGNORECASE,
)
# Drug then AE with only blanks between ("lithium toxicity", "heparin thrombocytopenia").
ADJACENT = re.compile(r"[\s-]*")
DRUG_THEN_AE_VERB = re.compile(
    r"\b(?:caus(?:ed|es|e|ing)|induc(?:ed|es|e|ing)|lead(?:s|ing)? to|led to|"
    r"result(?:ed|s|ing)? in|produc(?:ed|es|e|ing)|triggered|provoked|precipitated|"
    r"(?:was|were|is|are|been)\s+followed by|(?:is|are|was|were|been|be)\s+associated with|"
    r"cause of|reproduced|elicited|evoked|exacerbated|worsened|aggravated|unmasked|"
    r"promot\w*|responsible for|contribut\w* to|risk of|develop(?:ed|s|ing)?)\b",
    re.IGNORECASE,
)
RECHALLENGE = re.compile(r"\b(?:re-?challeng\w*|re-?administ\w*|re-?introduc\w*|"
                          r"re-?exposure|re-?start\w*|re-?institut\w*)", re.IGNORECASE)
RECURRED = re.compile(r"\b(?:recurr?\w*|reappear\w*|relaps\w*|again)\b", re.IGNORECASE)
# "after X was stopped, Y resolved": drug first, then its withdrawal, then the AE's course.
DRUG_DECHALLENGE = re.compile(
    r"\b(?:discontinu\w*|withdr[ae]wn?|stopp?ed|ceased|cessation|tapered)\b.{0,60}?"
    r"\b(?:resolv\w*|improv\w*|disappear\w*|subsid\w*|abat\w*|normali[sz]\w*|recover\w*|"
    r"revers\w*|remitt?\w*|regress\w*)",
    re.IGNORECASE,
)
# AE then drug, cue anywhere in the gap: "nausea after the first dose of dupilumab".
AE_THEN_DRUG = re.compile(
    r"\b(?:due to|secondary to|caused by|induced by|produced by|provoked by|triggered by|"
    r"precipitated by|attributed to|attributable to|ascribed to|associated with|related to|"
    r"linked to|in association with|after|following|into|upon|on starting|while on|while taking|"
    r"while receiving|during|with the use of|exposure to|overdose of|ingestion of|intake of|"
    r"result(?:ing|ed)? from|result of|reactions? to|allerg\w* to|hypersensitivity to|"
    r"intoleran\w* to|attribut\w* to|undergoing|treated with|receiving|taking|"
    r"on (?:\w+ )?(?:therapy|treatment)|"
    r"re-?challeng\w*|re-?administ\w*|re-?introduc\w*|re-?exposure|"
    r"(?:patients?|persons?|subjects?|wom[ae]n|m[ae]n|child(?:ren)?|infants?|neonates?|boy|"
    r"girl|cases?|users?|recipients?)\s+(?:\w+\s+){0,3}?"
    r"(?:treated with|receiving|taking|given|on|using|exposed to|of))\b",
    re.IGNORECASE,
)
# AE then drug, nothing but a preposition: "hepatotoxicity from X", "neutropenia on X".
AE_TIGHT_DRUG = re.compile(
    r"[\s,]*(?:on|with|from|of|under|to)\s+(?:(?:the|a|an|his|her|their)\s+)?"
    r"(?:(?:use|administration|intake|"
    r"ingestion|treatment|therapy|exposure)\s+(?:of|with|to)\s+)?",
    re.IGNORECASE,
)
# "Y resolved after withdrawal of X": the AE's course on stopping the drug.
AE_DECHALLENGE = re.compile(
    r"\b(?:after|following|on|upon|with|within \w+ \w+ of)\s+(?:the\s+)?(?:\w+\s+)?"
    r"(?:discontinu\w*|withdrawal|cessation|stopping|interruption|removal|tapering|"
    r"dechalleng\w*)\b",
    re.IGNORECASE,
)
# Between a drug and a problem after it: the problem delayed, stopped or changed the drug.
DRUG_STOPPED_BECAUSE = re.compile(
    r"\b(?:delay\w*|postpon\w*|withh[eo]ld\w*|held|stopp?\w*|discontinu\w*|interrupt\w*|"
    r"deferr?\w*|omitt?\w*|cancel\w*|suspend\w*|ceased|withdrawn|switched|changed|reduced|"
    r"tapered|could not be|not be|unable to)\b[^;]{0,60}?"
    r"\b(?:because of|due to|owing to|for|on account of|in view of|as a result of|given)\b",
    re.IGNORECASE,
)
# Between a problem and a drug after it: the problem led to the drug's change or start.
AE_STOPPED_DRUG = re.compile(
    r"\b(?:lead(?:ing|s)? to|led to|result(?:ed|ing|s)? in|requir\w*|necessitat\w*|prompt\w*|"
    r"warrant\w*|forc\w*|caus\w*)\b[^;]{0,40}?"
    r"\b(?:discontinu\w*|withdraw\w*|stop\w*|cessation|interrupt\w*|switch\w*|chang\w*|"
    r"delay\w*|postpon\w*|withh[eo]ld\w*|reduc\w*|replac\w*|initiat\w*|start\w*|addition|"
    r"add\w*|treat\w*|administ\w*|use|introduc\w*|hold\w*)",
    re.IGNORECASE,
)
AE_SENTENCE_CUE = re.compile(
    r"\b(?:adverse|side[- ]effects?|toxicit\w*|develop\w*|experienced|presented with|suffered|"
    r"induced|caused|due to|secondary to|attributed|after|following|into|intoleran\w*|"
    r"reported|observed|occurred|complicat\w*|led to|leading to|discontinu\w*)",
    re.IGNORECASE,
)
# Between an AE and a drug after it: the drug is the AE's consequence, not its cause.
CONSEQUENCE = re.compile(
    r"\b(?:lead(?:ing)? to|led to|result(?:ed|ing)? in|switch\w*|replac\w*|initiat\w*|"
    r"start\w*|discontinu\w*|stop\w*|withdr[ae]w\w*|interrupt\w*|changed to|treated with|"
    r"managed with)",
    re.IGNORECASE,
)
# Right before a problem: it is the patients' condition ("X-induced Y in chronic kidney
# disease", "in patients with Z"), not an effect waiting for a drug.
POPULATION_LEAD = re.compile(
    r"\b(?:in|among)\s+(?:(?:a|an|the|\d+|two|three|several|many|all|his|her|their)\s+)?"
    r"(?:(?:patients?|subjects?|child(?:ren)?|adults?|wom[ae]n|m[ae]n|boys?|girls?|infants?|"
    r"neonates?|individuals?|cases?)\s+(?:with|having|suffering from)\s+)?"
    # up to two modifiers: "in ophthalmic Graves disease", not "in January with rash"
    r"(?:(?!(?:with|after|following|during|and|or|of|to|from|by|on|had|has|was|were|"
    r"developed|presented)\b)[\w'-]+\s+){0,2}$",
    re.IGNORECASE,
)
# Right before a condition: it is what the patients have, not an effect ("a patient with Y",
# "treatment for Y", "diagnosed with Y").
CONDITION_LEAD = re.compile(
    r"\b(?:with|for|having|had|has|diagnosed|suffering from|against)\s+"
    r"(?:(?:a|an|the|his|her|their|known|active|severe|chronic|moderate|mild)\s+)?$",
    re.IGNORECASE,
)
MAX_CUE_GAP = 80  # characters between an AE and its drug for a cue to count
MAX_TREAT_GAP = 60  # characters between a problem and the drug that treats it
MAX_PAREN_GAP = 100  # characters between an AE and the "(drug)" that attributes it

# ruff: noqa: E501 - the fact tables read best one fact per line
"""Builds ``src/compoundgraph/sample/public_record.jsonl`` from ``shared/research/public-record.md``.

The facts below are transcribed from that file (entities, relationships, sources); this script turns them
into the project's JSON-lines records with their source URL, publisher, date and an Admiralty grade.

Grading. Reliability reflects the *publication*, not the government behind the original notice:
an official publication (Federal Register on govinfo.gov, OHCHR, USIP) is A; an archive of an official
release (FRASER) or a reputable news organisation reporting it (Reuters, The Irrawaddy, Rappler, Bangkok
Post, The Nation, Mizzima, Global Times, ThinkChina, Laotian Times, Infosecurity Magazine) is B; sites that
re-post official press releases near-verbatim (National Dossier, WTTL, Export Compliance Daily, Willkie's
Compliance Concourse, Federal Newswire, LMH News, USASEAN, Parbatta News, GHRTV, Scoop, Townhall, a
humantraffickingsearch.org copy) are C, one grade below the original they copy. Credibility: a sanctions
designation, indictment, conviction or court ruling is 2 (probably true: a formal finding by an
authority, not yet a conviction in every case); a news report of an allegation 3; a hedged claim 4.
The two "(unverified)" lines (Huanya / Wan Kuok-koi - KK Park; Ming Xuechang - Crouching Tiger Villa)
are left out: the sources only say investigators believe them.

Run: ``.venv/bin/python ingest/datasets/build_public_record.py`` (writes the sample file and checks it
loads into a fresh embedded store).
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from compoundgraph.ids import entity_id  # noqa: E402
from compoundgraph.loader import load_jsonl, record_to_json  # noqa: E402
from compoundgraph.models import Claim, Entity, Source  # noqa: E402

OUT = ROOT / "src" / "compoundgraph" / "sample" / "public_record.jsonl"

# key: (url, publisher, published, reliability, kind, also-at / note)
SOURCES: dict[str, tuple[str, str, str | None, str, str, str]] = {
    "S1": ("https://www.nationaldossier.com/treasury-targets-burma-warlord-militia-in-126395", "National Dossier",
           "2025-05-05", "C", "news-copy", "Copy of the U.S. Treasury (OFAC) release designating the KNA; also "
           "https://wttlonline.com/stories/burmese-warlord-sanctions,13752"),
    "S2": ("http://stage.exportcompliancedaily.com/article/2025/11/13/ofac-sanctions-burmese-group-for-scam-ties-"
           "2511120044", "Export Compliance Daily", "2025-11-13", "C", "news-copy",
           "OFAC designation of the DKBA; also https://www.nationthailand.com/news/asean/40058185"),
    "S3": ("https://complianceconcourse.willkie.com/articles/u-s-and-u-k-authorities-jointly-target-a-network-based-"
           "in-southeast-asia-that-runs-online-investment-scams", "Willkie Farr & Gallagher (Compliance Concourse)",
           "2025-10-14", "C", "news-copy", "Summary of the OFAC / UK designation of the Prince Group; also "
           "https://www.nationthailand.com/news/asean/40056796"),
    "S4": ("https://thefederalnewswire.com/stories/675804864-prince-group-chairman-indicted-for-crypto-fraud-doj-"
           "files-historic-15b-bitcoin-forfeiture", "The Federal Newswire", "2025-10-14", "C", "news-copy",
           "Copy of the U.S. DOJ release: Chen Zhi indictment (EDNY) and 127,271 BTC forfeiture action"),
    "S5": ("https://www.infosecurity-magazine.com/news/uk-us-sanction-online-scam-network/", "Infosecurity Magazine",
           "2025-10-14", "B", "news", "UK and US sanctions on the Prince network"),
    "S6": ("https://www.thinkchina.sg/politics/why-alleged-scam-kingpin-chen-zhi-was-sent-china-not-us",
           "ThinkChina", None, "B", "news", "Chen Zhi deported by Cambodia to China"),
    "S7": ("https://www.govinfo.gov/content/pkg/FR-2025-05-05/html/2025-07837.htm",
           "U.S. Government Publishing Office (Federal Register)", "2025-05-05", "A", "notice",
           "FinCEN section 311 finding and proposed rule on Huione Group; final rule 90 FR 48295 (2025-10-16)"),
    "S8": ("https://complianceconcourse.willkie.com/articles/united-states-sanctions-enablers-of-virtual-currency-"
           "investment-scams", "Willkie Farr & Gallagher (Compliance Concourse)", "2025-05-29", "C", "news-copy",
           "Summary of the OFAC designation of Funnull Technology and Liu Lizhi"),
    "S9": ("https://laotiantimes.com/2018/02/01/laos-casino-us-sanctions/", "Laotian Times", "2018-02-01", "B", "news",
           "OFAC designation of the Zhao Wei TCO and Kings Romans; also Reuters: https://uk.reuters.com/article/uk-laos-"
           "sanction/us-slaps-sanctions-on-laos-golden-triangle-casino-in-bid-to-break-up-narco-empire-idUKKBN1FK1PD"),
    "S10": ("https://lmhnews.com/finance/treasury-sanctions-cambodian-tycoon-and-businesses-linked-to-human-"
            "trafficking-and-forced-labor-in-furtherance-of-cyber-and-virtual-currency-scams", "LMH News",
            "2024-09-12", "C", "news-copy", "Copy of the U.S. Treasury release designating Ly Yong Phat"),
    "S11": ("https://www.irrawaddy.com/news/burma/junta-allied-karen-warlords-hit-by-us-sanctions-over-myanmars-scam-"
            "city.html", "The Irrawaddy", "2025-09-08", "B", "news",
            "September 2025 OFAC designations; also https://www.usasean.org/article/ofac-sanctions-kna-individuals-"
            "and-companies"),
    "S12": ("https://en.parbattanews.com/uk-hits-myanmar-border-guard-force-colonel-two-others-with-sanctions",
            "Parbatta News", "2023-12-08", "C", "news-copy", "UK sanctions of December 2023"),
    "S13": ("https://ghrtv.org/eu-expands-sanctions-on-myanmar", "GHRTV", "2024-10-29", "C", "news-copy",
            "EU sanctions of October 2024"),
    "S14": ("https://fraser.stlouisfed.org/title/press-releases-united-states-department-treasury-6111/treasury-"
            "sanctions-corrupt-actors-africa-asia-598580/fulltext",
            "FRASER, Federal Reserve Bank of St. Louis (archived U.S. Treasury release)", "2020-12-09", "B",
            "notice-archive", "Global Magnitsky designation of Wan Kuok-koi"),
    "S15": ("https://www.globaltimes.cn/page/202511/1348028.shtml", "Global Times", "2025-11-12", "B", "news",
            "She Zhijiang extradited from Thailand to China"),
    "S16": ("https://www.irrawaddy.com/news/burma/china-sentences-16-kokang-crime-syndicate-members-to-death.html",
            "The Irrawaddy", "2025-09-29", "B", "news", "Wenzhou court sentences the Ming family syndicate"),
    "S17": ("https://eng.mizzima.com/2023/12/14/5242", "Mizzima", "2023-12-14", "B", "news",
            "Chinese arrest warrants for Kokang leaders"),
    "S18": ("https://www.rappler.com/nation/luzon/bamban-mayor-guo-linked-raided-pogo-tarlac/", "Rappler", None, "B",
            "news", "Bamban POGO raid; Alice Guo"),
    "S19": ("https://malaya.app/news/qualified-trafficking-complaint-filed-vs-cassandra-ong-53-pogo-execs",
            "Malaya Business Insight", "2024-09-10", "B", "news", "Porac POGO; complaint against Cassandra Li Ong"),
    "S21": ("https://www.ohchr.org/en/press-releases/2023/08/hundreds-thousands-trafficked-work-online-scammers-se-"
            "asia-says-un-report", "OHCHR", "2023-08-29", "A", "report",
            "At least 120,000 people in Myanmar and about 100,000 in Cambodia may be held in forced scamming"),
    "S22": ("https://humantraffickingsearch.org/resource/transnational-organized-crime-and-the-convergence-of-cyber-"
            "enabled-fraud-underground-banking-and-technological-innovation-in-southeast-asia-a-shifting-threat-"
            "landscape", "HumanTraffickingSearch (copy of a UNODC report)", "2024-10-07", "C", "report-copy",
            "UNODC: scam losses in East and Southeast Asia of US$18-37 billion in 2023"),
    "S23": ("https://m.scoop.co.nz/stories/WO2504/S00255/cyberfraud-in-the-mekong-reaches-inflection-point-unodc-"
            "reveals.htm", "Scoop (copy of a UNODC release)", "2025-04-21", "C", "report-copy",
            "UNODC 'Inflection Point': industrial-scale scam centres make just under US$40 billion a year"),
    "S24": ("https://usip.org/publications/2024/05/transnational-crime-southeast-asia-growing-threat-global-peace-"
            "and-security", "United States Institute of Peace", "2024-05-13", "A", "report",
            "About 305,000 scammers in Myanmar, Cambodia and Laos; US$39 bn of a US$63.9 bn global scam take"),
    "S25": ("https://www.nationthailand.com/blogs/news/asean/40057186", "The Nation (Thailand)", None, "B", "news",
            "Military raid on KK Park from 2025-10-16; over 2,198 arrested; Starlink kits seized"),
    "S27": ("https://townhall.com/tipsheet/scott-mcclallen/2026/02/27/scam-center-strike-force-freezes-over-580-"
            "million-stolen-in-crypto-investment-frauds-n2672019", "Townhall", "2026-02-27", "C", "news-copy",
            "US Scam Center Strike Force: over $578 million frozen or seized in three months"),
    "S28": ("https://www.bangkokpost.com/thailand/general/2959758/myanmar-warlord-would-face-arrest-here",
            "Bangkok Post", None, "B", "news", "Thai DSI sought an arrest warrant for Saw Chit Thu (February 2025)"),
}
TITLES = {
    "S1": "Treasury targets Burma warlord militia (KNA designation)", "S2": "OFAC sanctions Burmese group for scam ties",
    "S3": "U.S. and U.K. authorities jointly target a network in Southeast Asia that runs online investment scams",
    "S4": "Prince Group chairman indicted for crypto fraud; DOJ files historic $15B bitcoin forfeiture",
    "S5": "UK and US sanction online scam network", "S6": "Why alleged scam kingpin Chen Zhi was sent to China, not US",
    "S7": "Imposition of special measure regarding Huione Group (FinCEN, 90 FR, 2025-07837)",
    "S8": "United States sanctions enablers of virtual currency investment scams",
    "S9": "Laos casino hit by US sanctions", "S10": "Treasury sanctions Cambodian tycoon and businesses linked to "
    "human trafficking and forced labor", "S11": "Junta-allied Karen warlords hit by US sanctions over Myanmar's scam city",
    "S12": "UK hits Myanmar Border Guard Force colonel, two others with sanctions", "S13": "EU expands sanctions on Myanmar",
    "S14": "Treasury sanctions corrupt actors in Africa and Asia (Wan Kuok-koi)", "S15": "She Zhijiang extradited to China",
    "S16": "China sentences 16 Kokang crime syndicate members to death", "S17": "China issues arrest warrants for Kokang leaders",
    "S18": "Bamban mayor Guo linked to raided POGO in Tarlac", "S19": "Qualified trafficking complaint filed vs Cassandra Ong, "
    "53 POGO execs", "S21": "Hundreds of thousands trafficked to work as online scammers in SE Asia, says UN report",
    "S22": "UNODC: convergence of cyber-enabled fraud, underground banking and technological innovation in Southeast Asia",
    "S23": "Cyberfraud in the Mekong reaches 'inflection point', UNODC reveals",
    "S24": "Transnational crime in Southeast Asia: a growing threat to global peace and security",
    "S25": "KK Park raid", "S27": "Scam Center Strike Force freezes over $580 million",
    "S28": "Myanmar warlord would face arrest here",
}
CRED = {"news-copy": 2, "notice": 2, "notice-archive": 2, "news": 3, "report": 2, "report-copy": 3}

# name -> (label, aliases, properties, source keys)
ENTITIES: dict[str, tuple[str, list[str], dict[str, Any], list[str]]] = {
    "KNA": ("ArmedGroup", ["Karen National Army", "Karen Border Guard Force", "BGF", "Karen BGF"],
            {"country": "MM", "areas": ["Shwe Kokko", "Myawaddy"]}, ["S1"]),
    "Saw Chit Thu": ("Person", ["San Myint", "Col. Saw Chit Thu"], {"nationality": "MM", "roles": ["leader"]},
                     ["S1", "S12", "S13", "S28"]),
    "Saw Htoo Eh Moo": ("Person", [], {"nationality": "MM"}, ["S1"]),
    "Saw Chit Chit": ("Person", [], {"nationality": "MM"}, ["S1"]),
    "Shwe Kokko": ("Compound", ["Yatai New City", "Shwe Kokko / Yatai New City", "Asia Pacific New City"],
                   {"country": "MM", "admin_area": "Kayin State", "locality": "Shwe Kokko, Myawaddy", "kind": "scam hub",
                    "status": "unknown"}, ["S1", "S11", "S15"]),
    "KK Park": ("Compound", [], {"country": "MM", "locality": "Myawaddy", "status": "raided"}, ["S25"]),
    "She Zhijiang": ("Person", [], {"nationality": "CN", "countries": ["CN", "KH"]}, ["S12", "S11", "S15"]),
    "Yatai International Holdings Group Ltd": ("Organization", ["Yatai IHG"], {"country": "HK", "org_type": "company"},
                                               ["S11", "S12"]),
    "Myanmar Yatai International Holding Group Co. Ltd": ("Organization", [], {"country": "MM", "org_type": "company"},
                                                          ["S11"]),
    "Chit Linn Myaing Group": ("Organization", ["CLM", "Chit Lin Myaing Co.", "Chit Linn Myaing Group (CLM)"],
                               {"country": "MM", "org_type": "company"}, ["S13", "S12"]),
    "Saw Min Min Oo": ("Person", ["Col. Saw Min Min Oo"], {"nationality": "MM"}, ["S12", "S11"]),
    "Tin Win": ("Person", ["Maj. Tin Win"], {"nationality": "MM"}, ["S13", "S11"]),
    "Mote Thun": ("Person", ["Lt Col. Mote Thun"], {"nationality": "MM", "roles": ["KNA/BGF deputy secretary-general"]},
                  ["S13"]),
    "Myanmar military": ("Organization", ["Tatmadaw"], {"country": "MM", "org_type": "state armed forces"}, ["S1"]),
    "DKBA": ("ArmedGroup", ["Democratic Karen Benevolent Army"], {"country": "MM"}, ["S2"]),
    "Tai Chang compound": ("Compound", [], {"country": "MM", "locality": "DKBA territory", "status": "unknown"}, ["S2"]),
    "Trans Asia International Holding Group Thailand Co. Ltd": ("Organization", ["Trans Asia"],
                                                               {"country": "TH", "org_type": "company"}, ["S2"]),
    "Troth Star Company Ltd": ("Organization", [], {"org_type": "company"}, ["S2"]),
    "Chamu Sawang": ("Person", [], {"nationality": "TH"}, ["S2"]),
    "Prince Group": ("Organization", ["Prince Group TCO", "Prince Holding Group", "Prince Global Group Ltd"],
                     {"country": "KH", "org_type": "conglomerate"}, ["S3", "S5"]),
    "Chen Zhi": ("Person", ["Vincent"], {"nationality": "KH", "countries": ["KH", "GB"], "born": "CN",
                                         "roles": ["chairman"]}, ["S4", "S6"]),
    "Prince Bank Plc": ("Organization", [], {"country": "KH", "org_type": "bank"}, ["S3"]),
    "Jin Bei Group Co. Ltd": ("Organization", ["Jinbei"], {"country": "KH", "org_type": "hotel-casino operator"},
                              ["S3", "S5"]),
    "Golden Fortune Resorts World Ltd": ("Compound", ["Golden Fortune technology park"],
                                         {"country": "KH", "locality": "outskirts of Phnom Penh", "kind": "technology park",
                                          "status": "unknown"}, ["S3", "S5"]),
    "Byex Exchange": ("Organization", [], {"country": "KH", "org_type": "crypto exchange"}, ["S5"]),
    "Qiu Wei Ren": ("Person", [], {"nationality": "KH", "countries": ["KH", "CY", "HK"]}, ["S5"]),
    "Huione Group": ("Organization", [], {"country": "KH", "org_type": "payment provider"}, ["S7"]),
    "Huione Pay PLC": ("Organization", [], {"country": "KH", "org_type": "payment provider"}, ["S7"]),
    "Huione Crypto": ("Organization", [], {"country": "KH", "org_type": "crypto exchange"}, ["S7"]),
    "Haowang Guarantee": ("Organization", ["Huione Guarantee"], {"country": "KH", "org_type": "marketplace"}, ["S7"]),
    "Funnull Technology Inc.": ("Organization", ["Funnull"], {"country": "PH", "org_type": "company"}, ["S8"]),
    "Liu Lizhi": ("Person", [], {"nationality": "CN", "roles": ["administrator"]}, ["S8"]),
    "Ly Yong Phat": ("Person", [], {"nationality": "KH"}, ["S10"]),
    "L.Y.P. Group Co. Ltd": ("Organization", ["L.Y.P. Group"], {"country": "KH", "org_type": "company"}, ["S10"]),
    "Garden City Hotel": ("Organization", [], {"country": "KH", "org_type": "hotel"}, ["S10"]),
    "Koh Kong Resort": ("Organization", [], {"country": "KH", "org_type": "resort"}, ["S10"]),
    "Phnom Penh Hotel": ("Organization", [], {"country": "KH", "org_type": "hotel"}, ["S10"]),
    "O-Smach Resort": ("Compound", [], {"country": "KH", "status": "unknown"}, ["S10"]),
    "Zhao Wei": ("Person", [], {"nationality": "CN", "countries": ["CN", "MO"]}, ["S9", "S12"]),
    "Zhao Wei TCO": ("Organization", [], {"org_type": "transnational criminal organization"}, ["S9"]),
    "United Wa State Army": ("ArmedGroup", ["UWSA"], {"country": "MM"}, ["S9"]),
    "Kings Romans Casino": ("Compound", ["Kings Roman Group"], {"country": "LA", "kind": "casino complex",
                                                               "status": "unknown"}, ["S9"]),
    "Kings Romans International (HK) Co. Ltd": ("Organization", [], {"country": "HK", "org_type": "company"}, ["S9"]),
    "Golden Triangle Special Economic Zone": ("Location", ["Golden Triangle SEZ"], {"country": "LA", "kind": "sez"},
                                              ["S9"]),
    "Wan Kuok-koi": ("Person", ["Broken Tooth"], {"nationality": "CN", "countries": ["CN", "MO"],
                                                  "roles": ["14K Triad leader"]}, ["S14"]),
    "Dongmei Group": ("Organization", [], {"org_type": "company"}, ["S14"]),
    "World Hongmen History & Culture Association": ("Organization", [], {"country": "KH"}, ["S14"]),
    "Ming family syndicate": ("Organization", [], {"country": "MM", "org_type": "crime group",
                                                   "areas": "Kokang / Laukkaing"}, ["S16"]),
    "Bai Suocheng": ("Person", [], {"nationality": "MM", "roles": ["Kokang BGF founder"]}, ["S17"]),
    "Zun Yuan Technology Inc.": ("Organization", [], {"country": "PH", "org_type": "POGO"}, ["S18"]),
    "Hongsheng Gaming Technology Inc.": ("Organization", ["Hongsheng"], {"country": "PH", "org_type": "POGO"}, ["S18"]),
    "Baofu compound": ("Compound", [], {"country": "PH", "locality": "Bamban, Tarlac", "status": "raided"}, ["S18"]),
    "Alice Guo": ("Person", ["Guo Hua Ping"], {"nationality": "PH", "countries": ["PH", "CN"],
                                              "roles": ["former mayor of Bamban"]}, ["S18"]),
    "Lucky South 99 Outsourcing Inc.": ("Organization", ["Lucky South 99"], {"country": "PH", "org_type": "POGO",
                                                                             "locality": "Porac, Pampanga"}, ["S19"]),
    "Cassandra Li Ong": ("Person", [], {"nationality": "PH"}, ["S19"]),
    "Myawaddy": ("Location", [], {"country": "MM", "kind": "town"}, ["S1"]),
}
# (subject, type, object, date, source keys, quote, extra properties, credibility override)
RELS: list[tuple[str, str, str, str | None, list[str], str, dict[str, Any], int | None]] = [
    ("KNA", "PROTECTS", "Shwe Kokko", "2025-05-05", ["S1"],
     "KNA leases land to, sells utilities to, and provides armed security for scam compounds around Shwe Kokko", {}, None),
    ("KNA", "PROTECTS", "KK Park", "2025-05-05", ["S1"],
     "survivor accounts of soldiers with KNA insignia guarding KK Park", {}, 3),
    ("Saw Chit Thu", "DIRECTS", "KNA", "2025-05-05", ["S1"], "Saw Chit Thu leads the KNA", {"role": "leader"}, None),
    ("Saw Htoo Eh Moo", "MEMBER_OF", "KNA", "2025-05-05", ["S1"], "officer of the KNA", {"role": "officer"}, None),
    ("Saw Chit Chit", "MEMBER_OF", "KNA", "2025-05-05", ["S1"], "officer of the KNA", {"role": "officer"}, None),
    ("KNA", "ALLIED_WITH", "Myanmar military", "2025-05-05", ["S1"], "the KNA cooperates with the Myanmar military",
     {}, None),
    ("She Zhijiang", "OPERATES", "Shwe Kokko", "2025-09-08", ["S11"], "She Zhijiang and Saw Chit Thu built Yatai New City",
     {"role": "built"}, None),
    ("Saw Chit Thu", "OPERATES", "Shwe Kokko", "2025-09-08", ["S11"], "She Zhijiang and Saw Chit Thu built Yatai New City",
     {"role": "built"}, None),
    ("Myanmar Yatai International Holding Group Co. Ltd", "OWNS", "Shwe Kokko", "2025-09-08", ["S11"],
     "Myanmar Yatai owns and operates Yatai New City", {}, None),
    ("Myanmar Yatai International Holding Group Co. Ltd", "OPERATES", "Shwe Kokko", "2025-09-08", ["S11"],
     "Myanmar Yatai owns and operates Yatai New City", {}, None),
    ("Chit Linn Myaing Group", "OWNS", "Myanmar Yatai International Holding Group Co. Ltd", "2025-09-08", ["S11"],
     "Myanmar Yatai is a joint venture of CLM and Yatai IHG", {"role": "joint venture partner"}, None),
    ("Yatai International Holdings Group Ltd", "OWNS", "Myanmar Yatai International Holding Group Co. Ltd",
     "2025-09-08", ["S11"], "Myanmar Yatai is a joint venture of CLM and Yatai IHG", {"role": "joint venture partner"},
     None),
    ("Saw Min Min Oo", "DIRECTS", "Chit Linn Myaing Group", "2023-12-08", ["S12"],
     "Saw Min Min Oo, managing director of Chit Lin Myaing Co.", {"role": "managing director"}, None),
    ("Saw Chit Thu", "DIRECTS", "Chit Linn Myaing Group", "2024-10-29", ["S13"],
     "Saw Chit Thu, founder and former chairman of CLM Group", {"role": "founder, former chairman"}, None),
    ("Tin Win", "EMPLOYED_BY", "Saw Chit Thu", "2024-10-29", ["S13"], "Tin Win, a direct subordinate of Saw Chit Thu",
     {"role": "subordinate"}, None),
    ("Mote Thun", "MEMBER_OF", "KNA", "2024-10-29", ["S13"], "KNA/BGF deputy secretary-general",
     {"role": "deputy secretary-general"}, None),
    ("DKBA", "PROTECTS", "Tai Chang compound", "2025-11-12", ["S2"], "DKBA provides security for the Tai Chang compound",
     {}, None),
    ("Trans Asia International Holding Group Thailand Co. Ltd", "ALLIED_WITH", "DKBA", "2025-11-12", ["S2"],
     "worked with the DKBA and Chinese organised crime to develop scam centres", {}, None),
    ("Chamu Sawang", "COLLUDES_WITH", "DKBA", "2025-11-12", ["S2"],
     "worked with the DKBA and Chinese organised crime to develop scam centres", {}, None),
    ("Chen Zhi", "DIRECTS", "Prince Group", "2025-10-14", ["S3", "S5"], "Chen Zhi, chairman and leader of Prince Group",
     {"role": "chairman"}, None),
    ("Prince Group", "OPERATES", "Golden Fortune Resorts World Ltd", "2025-10-14", ["S5"],
     "a Prince Group subsidiary built the Golden Fortune compound", {"role": "built (through a subsidiary)"}, None),
    ("Jin Bei Group Co. Ltd", "ALLIED_WITH", "Prince Group", "2025-10-14", ["S5"],
     "Jin Bei Group, linked to Prince Group, runs a Sihanoukville hotel-casino and scam centres", {"role": "linked"},
     None),
    ("Byex Exchange", "ALLIED_WITH", "Jin Bei Group Co. Ltd", "2025-10-14", ["S5"], "Byex Exchange is linked to Jin Bei",
     {"role": "linked"}, None),
    ("Byex Exchange", "ALLIED_WITH", "Prince Group", "2025-10-14", ["S5"], "Byex Exchange is linked to Prince Group",
     {"role": "linked"}, None),
    ("Prince Bank Plc", "PART_OF", "Prince Group", "2025-10-14", ["S3"], "Prince Bank, part of the Prince Group network",
     {}, 3),
    ("Huione Pay PLC", "PART_OF", "Huione Group", "2025-05-05", ["S7"], "Huione Group, parent of Huione Pay", {}, None),
    ("Huione Crypto", "PART_OF", "Huione Group", "2025-05-05", ["S7"], "Huione Group, parent of Huione Crypto", {}, None),
    ("Haowang Guarantee", "PART_OF", "Huione Group", "2025-05-05", ["S7"],
     "Huione Group, parent of Haowang Guarantee (formerly Huione Guarantee)", {}, None),
    ("Liu Lizhi", "DIRECTS", "Funnull Technology Inc.", "2025-05-29", ["S8"], "Liu Lizhi, administrator of Funnull",
     {"role": "administrator"}, None),
    ("Ly Yong Phat", "OWNS", "L.Y.P. Group Co. Ltd", "2024-09-12", ["S10"], "Ly Yong Phat owns or controls L.Y.P. Group",
     {}, None),
    ("Ly Yong Phat", "OWNS", "Garden City Hotel", "2024-09-12", ["S10"], "Ly Yong Phat owns or controls Garden City Hotel",
     {}, None),
    ("Ly Yong Phat", "OWNS", "Koh Kong Resort", "2024-09-12", ["S10"], "Ly Yong Phat owns or controls Koh Kong Resort",
     {}, None),
    ("Ly Yong Phat", "OWNS", "Phnom Penh Hotel", "2024-09-12", ["S10"], "Ly Yong Phat owns or controls Phnom Penh Hotel",
     {}, None),
    ("L.Y.P. Group Co. Ltd", "OWNS", "O-Smach Resort", "2024-09-12", ["S10"], "L.Y.P. Group owns O-Smach Resort", {}, None),
    ("Zhao Wei", "OWNS", "Kings Romans Casino", "2018-01-30", ["S9"], "Zhao Wei, co-owner of Kings Romans Casino",
     {"role": "co-owner"}, None),
    ("Zhao Wei", "DIRECTS", "Kings Romans Casino", "2018-01-30", ["S9"], "Zhao Wei, director of Kings Romans Casino",
     {"role": "director"}, None),
    ("Zhao Wei", "DIRECTS", "Zhao Wei TCO", "2018-01-30", ["S9"], "the Zhao Wei transnational criminal organization",
     {"role": "leader"}, None),
    ("Zhao Wei TCO", "ALLIED_WITH", "United Wa State Army", "2018-01-30", ["S9"],
     "the Zhao Wei TCO stores and distributes narcotics for the United Wa State Army", {}, None),
    ("Kings Romans International (HK) Co. Ltd", "CONTROLS", "Golden Triangle Special Economic Zone", "2018-01-30",
     ["S9"], "Kings Romans International (HK) controls the Golden Triangle SEZ under a 99-year lease",
     {"role": "99-year lease"}, None),
    ("Kings Romans Casino", "PART_OF", "Golden Triangle Special Economic Zone", "2018-01-30", ["S9"],
     "Kings Romans Casino in the Golden Triangle SEZ", {}, None),
    ("Wan Kuok-koi", "OWNS", "Dongmei Group", "2020-12-09", ["S14"], "Wan Kuok-koi owns or controls Dongmei Group", {},
     None),
    ("Wan Kuok-koi", "OWNS", "World Hongmen History & Culture Association", "2020-12-09", ["S14"],
     "Wan Kuok-koi owns or controls the World Hongmen History and Culture Association", {}, None),
    ("Alice Guo", "OPERATES", "Hongsheng Gaming Technology Inc.", "2020-09-01", ["S18"],
     "Alice Guo applied for the licence of Hongsheng Gaming Technology", {"role": "licence applicant"}, None),
    ("Zun Yuan Technology Inc.", "PART_OF", "Hongsheng Gaming Technology Inc.", "2024-01-01", ["S18"],
     "Hongsheng was renamed Zun Yuan, in the same compound", {"role": "successor"}, None),
    ("Zun Yuan Technology Inc.", "OPERATES", "Baofu compound", "2024-03-13", ["S18"],
     "the Baofu compound was leased to Zun Yuan", {"role": "lessee"}, None),
    ("Cassandra Li Ong", "DIRECTS", "Lucky South 99 Outsourcing Inc.", "2024-09-10", ["S19"],
     "Cassandra Li Ong, authorised representative of Lucky South 99", {"role": "authorised representative"}, None),
    ("Alice Guo", "COLLUDES_WITH", "Lucky South 99 Outsourcing Inc.", "2024-06-01", ["S19"],
     "PAOCC claims the Bamban and Porac POGOs belong to the same criminal organisation", {"role": "PAOCC claim"}, 4),
    ("Shwe Kokko", "LOCATED_IN", "Myawaddy", None, ["S1"], "Shwe Kokko, Myawaddy", {}, None),
    ("KK Park", "LOCATED_IN", "Myawaddy", None, ["S25"], "KK Park, Myawaddy", {}, None),
]
# Events: (name, kind, date, authority, reference, source keys, participants, note)
EVENTS: list[tuple[str, str, str | None, str, str, list[str], list[str], str]] = [
    ("OFAC designation of the KNA", "sanction designation", "2025-05-05", "U.S. Treasury (OFAC)", "TCO", ["S1"],
     ["KNA", "Saw Chit Thu", "Saw Htoo Eh Moo", "Saw Chit Chit"], ""),
    ("UK sanctions of December 2023", "sanction designation", "2023-12-08", "UK government", "", ["S12"],
     ["Saw Chit Thu", "She Zhijiang", "Saw Min Min Oo", "Zhao Wei", "Chit Linn Myaing Group"], ""),
    ("EU sanctions of October 2024", "sanction designation", "2024-10-29", "European Union", "", ["S13"],
     ["Saw Chit Thu", "Tin Win", "Mote Thun", "Chit Linn Myaing Group"], ""),
    ("OFAC designations of September 2025", "sanction designation", "2025-09-08", "U.S. Treasury (OFAC)", "", ["S11"],
     ["She Zhijiang", "Yatai International Holdings Group Ltd", "Myanmar Yatai International Holding Group Co. Ltd",
      "Saw Min Min Oo", "Tin Win"], ""),
    ("OFAC designation of the DKBA", "sanction designation", "2025-11-12", "U.S. Treasury (OFAC)", "", ["S2"],
     ["DKBA", "Trans Asia International Holding Group Thailand Co. Ltd", "Troth Star Company Ltd", "Chamu Sawang"], ""),
    ("OFAC designation of the Prince Group TCO", "sanction designation", "2025-10-14", "U.S. Treasury (OFAC)",
     "146 targets", ["S3"], ["Prince Group", "Prince Bank Plc", "Jin Bei Group Co. Ltd",
                             "Golden Fortune Resorts World Ltd"], ""),
    ("UK sanctions on the Prince network", "sanction designation", "2025-10-14", "UK government", "", ["S5"],
     ["Prince Group", "Jin Bei Group Co. Ltd", "Golden Fortune Resorts World Ltd", "Byex Exchange", "Qiu Wei Ren"], ""),
    ("Indictment of Chen Zhi (EDNY) and 127,271 BTC forfeiture action", "prosecution", "2025-10-08",
     "U.S. Department of Justice", "EDNY", ["S4"], ["Chen Zhi"],
     "DOJ: controlled unhosted wallets holding 127,271 BTC (about $15 bn), the largest forfeiture action in its history"),
    ("Deportation of Chen Zhi from Cambodia to China", "repatriation", "2026-01-07", "Cambodia", "", ["S6"],
     ["Chen Zhi"], ""),
    ("FinCEN section 311 finding on Huione Group", "sanction designation", "2025-05-01", "U.S. Treasury (FinCEN)",
     "90 FR 48295 (final rule 2025-10-16)", ["S7"], ["Huione Group"],
     "FinCEN: Huione laundered at least $4 bn from August 2021 to January 2025, including for DPRK cyber heists "
     "and scam organisations"),
    ("OFAC designation of Funnull Technology", "sanction designation", "2025-05-29", "U.S. Treasury (OFAC)", "", ["S8"],
     ["Funnull Technology Inc.", "Liu Lizhi"], "Funnull supplied IP addresses, domains and templates to "
     "pig-butchering scam websites; over $200 million in reported US losses"),
    ("OFAC designation of the Zhao Wei TCO", "sanction designation", "2018-01-30", "U.S. Treasury (OFAC)", "TCO",
     ["S9"], ["Zhao Wei", "Zhao Wei TCO", "Kings Romans Casino", "Kings Romans International (HK) Co. Ltd"], ""),
    ("OFAC Global Magnitsky designation of Ly Yong Phat", "sanction designation", "2024-09-12", "U.S. Treasury (OFAC)",
     "Global Magnitsky", ["S10"], ["Ly Yong Phat", "L.Y.P. Group Co. Ltd", "O-Smach Resort"], ""),
    ("OFAC Global Magnitsky designation of Wan Kuok-koi", "sanction designation", "2020-12-09",
     "U.S. Treasury (OFAC)", "Global Magnitsky", ["S14"],
     ["Wan Kuok-koi", "Dongmei Group", "World Hongmen History & Culture Association"], ""),
    ("Extradition of She Zhijiang from Thailand to China", "repatriation", "2025-11-12", "Thailand", "", ["S15"],
     ["She Zhijiang"], ""),
    ("Wenzhou court sentences the Ming family syndicate", "prosecution", "2025-09-29", "Wenzhou Intermediate People's "
     "Court", "", ["S16"], ["Ming family syndicate"], "11 death sentences; over 10 bn yuan in gambling and fraud proceeds"),
    ("Chinese arrest warrant for Bai Suocheng", "arrest", None, "Chinese police", "", ["S17"],
     ["Bai Suocheng"], "warrant issued in December 2023"),
    ("Raid on the Bamban POGO", "raid", "2024-03-13", "Philippine authorities", "", ["S18"],
     ["Zun Yuan Technology Inc.", "Baofu compound"], ""),
    ("Conviction of Alice Guo for qualified trafficking", "prosecution", "2025-11-20", "Philippine court", "", ["S18"],
     ["Alice Guo"], "the Baofu compound was forfeited to the government"),
    ("Raid on the Porac POGO", "raid", "2024-06-04", "Philippine authorities", "", ["S19"],
     ["Lucky South 99 Outsourcing Inc."], ""),
    ("Qualified trafficking complaint against Cassandra Li Ong", "prosecution", "2024-09-10", "Philippine DOJ", "",
     ["S19"], ["Cassandra Li Ong"], ""),
    ("Military raid on KK Park", "raid", "2025-10-16", "Myanmar military", "", ["S25"], ["KK Park"],
     "over 2,198 arrested; Starlink kits seized"),
    ("Thai DSI seeks arrest warrant for Saw Chit Thu", "arrest", None, "Thai Department of Special Investigation", "",
     ["S28"], ["Saw Chit Thu"], "February 2025"),
]


def build() -> list[Source | Entity | Claim]:
    records: list[Source | Entity | Claim] = []
    src: dict[str, Source] = {}
    for key, (url, publisher, date, rel, kind, note) in SOURCES.items():
        s = Source(title=TITLES[key], publisher=publisher, url=url, published=date, kind=kind, reliability=rel,
                   handling="H0", description=f"{note} [public-record.md {key}]")
        src[key] = s
        records.append(s)
    ids: dict[str, str] = {}
    for name, (label, aliases, props, keys) in ENTITIES.items():
        p = {k: v for k, v in props.items()}
        key_props = [p.get(k) for k in _key(label)]
        e = Entity(id=entity_id(label, name, key_props), label=label, name=name, aliases=aliases, properties=p,
                   sources=[src[k].id for k in keys])
        ids[name] = e.id
        records.append(e)

    def grade(k: str, override: int | None) -> str:
        s = src[k]
        return f"{s.reliability}{override or CRED[s.kind]}"

    for subj, rel, obj, date, keys, quote, props, cred in RELS:
        for k in keys:
            records.append(Claim(type=rel, subject=ids[subj], object=ids[obj], source=src[k].id, grade=grade(k, cred),
                                 first_seen=src[k].published or date, valid_from=None, quote=quote, handling="H0",
                                 properties={**props, **({"reported": date} if date else {})}))
    for name, kind, date, authority, ref, keys, parts, note in EVENTS:
        props = {"kind": kind, "date": date, "authority": authority, "reference": ref or None,
                 "note": note or None}
        ev = Entity(label="Event", name=name, properties=props, sources=[src[k].id for k in keys])
        records.append(ev)
        for part in parts:
            for k in keys:
                records.append(Claim(type="INVOLVED_IN", subject=ids[part], object=ev.id, source=src[k].id,
                                     grade=grade(k, None), first_seen=src[k].published, valid_from=date,
                                     quote=f"{part}: {name}", handling="H0", properties={"role": kind}))
    return records


def _key(label: str) -> list[str]:
    from compoundgraph.ontology import ontology

    return list(ontology().labels[label].key)


UN_REPORT = ROOT / "tests" / "fixtures" / "ingest" / "un-communication-AL-CHN-4-2025.md"


def un_communication() -> list[Source | Entity | Claim]:
    """The UN communication AL CHN 4/2025 through the free-text loader (its sidecar .meta.yaml grades it B3):
    countries of origin, compound locations, perpetrators' nationalities and recruitment platforms."""
    from compoundgraph.ingest import Options, ingest
    from compoundgraph.store import EmbeddedStore

    with tempfile.TemporaryDirectory() as tmp:
        store = EmbeddedStore(Path(tmp) / "un.sqlite")
        ingest(store, [UN_REPORT], Options(handling="H0"))
        out: list[Source | Entity | Claim] = [*store.iter_sources(), *store.iter_entities(), *store.iter_claims()]
        store.close()
    return out


def main() -> None:
    records = build() + un_communication()
    order = {Source: 0, Entity: 1, Claim: 2}
    records.sort(key=lambda r: order[type(r)])
    with OUT.open("w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(record_to_json(r), ensure_ascii=False) + "\n")
    from compoundgraph.store import EmbeddedStore

    with tempfile.TemporaryDirectory() as tmp:
        store = EmbeddedStore(Path(tmp) / "check.sqlite")
        summary = load_jsonl(store, [OUT])
        store.close()
    print(f"wrote {len(records)} records to {OUT} ({summary.created} created on a fresh store)")


if __name__ == "__main__":
    main()

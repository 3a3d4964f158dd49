"""The Lakeside Ledger's own stories (``lakeside_ledger``): Wrenfield and the Lake Orla shore."""

from demo.model import story

SITE = "lakeside_ledger"

STORIES = [
    story(
        "ll-marina-dredging", SITE, "2026-10-22 07:15", "Maren Tollefsen",
        "Wrenfield marina to be dredged after a summer of record-low water",
        """
        Wrenfield town council voted 6 to 1 on Wednesday to spend $2.3 million dredging the
        municipal marina, after a summer in which Lake Orla dropped so low that about a third of
        the 240 boat slips sat in less than a metre of water.

        Harbourmaster Ingrid Salo told council that at least 19 boats had scraped or grounded
        inside the breakwater since July, and that the fuel dock had been closed for six weeks
        because tankers could no longer reach it. "We were running a marina where half the boats
        could not leave," she said.

        The work will remove about 18,000 cubic metres of silt from the basin and the entrance
        channel. Contractor Orla Marine Works plans to start in early December, when most boats
        are out of the water, and finish before the spring launch in April.

        Councillor Dag Feldhusen, who voted against the plan, said the town should first study
        why silt from Sedge Creek keeps filling the basin. "We are paying to dig the same hole
        every ten years," he said.

        Slip fees will rise by 8 percent next season to help pay for the project. The rest will
        come from the town's capital reserve.
        """,
    ),
    story(
        "ll-loon-survey", SITE, "2026-10-26 18:40", "Sunniva Drake",
        "Volunteers count 212 nesting loon pairs on Lake Orla, the most since the survey began",
        """
        Volunteers counted 212 nesting pairs of common loons on Lake Orla this summer, the highest
        number since the Lake Orla Stewardship Society began its annual survey in 1994, the group
        said Monday.

        About 70 volunteers in canoes and kayaks checked 58 bays and islands between late May and
        early August. They recorded 164 chicks that survived to at least three weeks old, which
        biologists consider the point at which a young loon is likely to reach the fall.

        Survey coordinator Halvard Nyquist credited floating nest platforms that residents began
        building in 2018. "A loon nest on the shore floods every time a big boat goes by," he
        said. "A raft rises and falls with the water, so the eggs stay dry."

        The society has also posted signs at every public launch asking boaters to slow down
        within 150 metres of a nest. Nyquist said the number of nests lost to boat wakes fell from
        31 in 2019 to 6 this year.

        The group is looking for volunteers to build 20 more platforms over the winter at the
        Wrenfield community workshop on Birch Street.
        """,
    ),
    story(
        "ll-boathouse-library", SITE, "2026-10-31 09:00", "Abel Quarrington",
        "Old rowing club boathouse to reopen as a lakeside library branch",
        """
        The century-old boathouse of the Wrenfield Rowing Club will reopen next spring as a branch
        of the public library, with reading rooms overlooking Lake Orla and a small collection of
        books about the lake and its history, the library board announced Saturday.

        The rowing club moved to a new building at the south end of the beach in 2022 and gave the
        boathouse to the town. Since then the two-storey timber building has been used only for
        storage, and a 2024 inspection found its roof and lakeside deck needed urgent repairs.

        Head librarian Petra Lindqvist said the $1.1 million renovation would keep the open boat
        bays on the ground floor as a children's area with tall windows facing the water. "Kids
        will be able to read about loons and watch them at the same time," she said.

        The upper floor, where rowers once changed and stored oars, will hold quiet study tables
        and the library's local history archive, including club photographs going back to 1911.

        A provincial heritage grant covers about half the cost. The Friends of the Wrenfield
        Library have raised $212,000 so far and hope to collect the rest by March.
        """,
    ),
    story(
        "ll-clinic-hours", SITE, "2026-11-04 12:30", "Maren Tollefsen",
        "Wrenfield clinic adds evening hours as doctor shortage eases",
        """
        The Wrenfield Community Health Clinic will open until 8 p.m. on weekdays starting Monday,
        after hiring two family doctors and a nurse practitioner in the past three months, the
        clinic's board said Wednesday.

        For most of the last two years the clinic had only three doctors for about 9,400
        patients, and people without an appointment were often sent to the hospital emergency
        department in Kestrel City, a 70-minute drive around the north shore of the lake.

        Clinic director Yusuf Tamberlane said the evening hours would be reserved for walk-in
        visits and for patients who work during the day. "We would rather see a sore throat at
        six o'clock here than in a waiting room in the city at midnight," he said.

        The new doctors, a married couple who trained in Northgate, were drawn partly by a town
        program that pays up to $40,000 toward the student loans of doctors who stay at least four
        years.

        The clinic said its waiting list for a family doctor had fallen from about 1,300 people in
        the spring to fewer than 500.
        """,
    ),
    story(
        "ll-sedge-bridge", SITE, "2026-11-08 16:05", "Sunniva Drake",
        "Sedge Creek footbridge reopens two years after the spring flood",
        """
        The footbridge over Sedge Creek that links Wrenfield's east end with the lakeshore trail
        reopened on Sunday, two years after a spring flood tore away its western abutment and left
        the span hanging over the water.

        The new steel bridge sits about 1.4 metres higher than the old wooden one and rests on
        concrete piers set into bedrock. Town engineer Kasimir Obuya said it was designed to stay
        above a flood twice the size of the one in 2024.

        Residents of the east end had to walk or cycle about 2 kilometres along the highway to
        reach the beach and the lakeshore trail while the bridge was closed. "My kids stopped going
        to the lake on their own," said resident Liesl Marchbank. "The highway has no sidewalk."

        The project cost $860,000, most of it covered by a provincial disaster recovery fund.
        Local artists painted the railings with drawings of herons, pike and water lilies chosen
        by students at Orla Shore Elementary.

        The town also planted 300 willows along the creek banks to slow erosion.
        """,
    ),
    story(
        "ll-first-ice", SITE, "2026-11-16 08:20", "Abel Quarrington",
        "Early freeze closes Lake Orla boat launches a month ahead of schedule",
        """
        Wrenfield closed all three public boat launches on Lake Orla on Monday after a week of
        unusually cold nights covered the bays with a thin layer of ice, about a month earlier than
        in most years.

        Parks manager Oskar Brightwell said the ice was too thick for small boats to break safely
        but far too thin to walk on. "This is the most dangerous ice of the year," he said. "It
        looks solid from the shore and it is not."

        The town asked residents to keep children and dogs off the lake until it has measured at
        least 10 centimetres of clear ice, and said it would post readings on signs at the beach
        and the marina every morning.

        Ice fishing guides said an early freeze could mean a long season if the cold holds, but
        warned that a warm spell in late November could break the ice up again. The Lake Orla
        Ice Derby is still scheduled for the last weekend of January.

        The marina dredging project, which was due to start in early December, will go ahead as
        planned, the town said.
        """,
        held=True,
    ),
]

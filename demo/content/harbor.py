"""The Harbor Gazette's own stories (``harbor_gazette``), Harborton local news."""

from demo.model import story

SITE = "harbor_gazette"

PIER9_BODY = """
Harborton city council voted 5 to 4 on Thursday night to postpone a decision on the
redevelopment of Pier 9, the largest vacant property on the waterfront, after more than 60
residents signed up to speak at a public hearing that ran past 11 p.m.

Developer Tidewater Properties wants to build two residential towers of 14 and 18 storeys, a
hotel and a public promenade on the former cannery pier. The company says the project would
bring about 520 homes, including 80 rented below market rates, and $4 million a year in
property taxes.

Opponents said the towers were far taller than anything else on the harbour and would block
views from the old town. "This is not Kestrel City, and we should stop pretending we want to
be," said Agnes Holloway, who lives on Bellwether Street. Supporters, many of them younger
residents, said the city badly needed new housing.

Mayor Rosalind Teague said council would not be rushed. "We have one chance to get Pier 9
right," she said. "I would rather take another week than regret it for 50 years."

Council will resume the hearing next Thursday.
"""

PIER9_UPDATE_SECTION = """
UPDATE, Nov. 13, 4:05 p.m.: Tidewater Properties said Friday afternoon that it would reduce
the taller tower from 18 to 12 storeys and move both buildings farther back from the water,
a change the company described as a direct response to criticism voiced at the hearing.

In a letter delivered to councillors, Tidewater vice-president Gustavo Lindahl wrote that the
revised design would keep the same number of affordable units by converting part of the hotel
into apartments. The hotel would shrink from 160 rooms to about 110. Lindahl also offered to
fund a seasonal shuttle bus connecting the pier with the old town during summer tourist months,
and to open a small public marina beside the promenade.

Councillor Beatrice Okwuosa, who moved Thursday's postponement, said she welcomed the gesture
but wanted independent architects to review shadows, wind and traffic before any vote.
Residents' group Save Our Waterfront called the proposal "a step, not a solution" and announced
a rally outside city hall on Monday evening. Organizers expect several hundred people, and
volunteers plan to collect signatures asking for a binding referendum on waterfront heights.
"""

STORIES = [
    story(
        "hg-winter-market", SITE, "2026-10-24 08:00", "Nell Pritchard",
        "Farmers market heads indoors to the old Customs House for winter",
        """
        The Harborton Farmers Market will move indoors to the old Customs House on Wharf Street for
        the winter, starting Saturday, after three seasons of struggling with rain, wind and
        shrinking crowds at its outdoor lot on Quay Street.

        Market manager Delphine Roux said 34 vendors had signed up for the winter season, up from 21
        last year, when the market ran under tents in the parking lot behind the ferry terminal.
        "Our farmers were standing in sleet selling kale to five people," she said. "That's not a
        market, that's an endurance test."

        The city agreed to rent the ground floor of the Customs House to the market for $1 a year
        through April. The building, which dates from 1887, has been mostly empty since the port
        authority moved its offices in 2019.

        Vendors will sell winter vegetables, eggs, cheese, baked goods and smoked fish, as well as
        crafts in the weeks before the holidays. Roux said she hoped to add a small café area once
        the building's kitchen is inspected.

        The market will run every Saturday from 9 a.m. to 1 p.m. and return to Quay Street in May.
        """,
    ),
    story(
        "hg-robotics-team", SITE, "2026-10-28 17:30", "Teodor Blake",
        "Harborton Secondary robotics team heads to national championship",
        """
        A team of nine students from Harborton Secondary School has qualified for the national
        robotics championship in February after their machine, nicknamed "Barnacle," won the
        regional tournament in Kestrel City on Sunday.

        The competition asked teams to build robots that could pick up and stack foam blocks while
        avoiding an opponent. Barnacle finished the weekend with 11 wins and one loss, beating 36
        other teams from across the province.

        Team captain Ayla Mercado, a Grade 12 student, said the group spent most of its budget on a
        second set of wheels after the first set wore out during practice. "We learned that the hard
        way," she said. "Our practice floor at school is basically sandpaper."

        The team is coached by physics teacher Rupert Danvers, who started the robotics club six
        years ago with four students and a borrowed toolbox. It now has 28 members.

        The trip to the championship will cost about $14,000, and the club has started a
        fundraising campaign, including a bottle drive on Nov. 14 and a pancake breakfast at the
        Legion hall on Dec. 5.
        """,
    ),
    story(
        "hg-lighthouse-fund", SITE, "2026-11-03 10:15", "Miriam Hale",
        "Gull Point lighthouse campaign passes $400,000 mark",
        """
        Volunteers hoping to restore the Gull Point lighthouse have raised $412,000 of the $650,000
        they need, and work on the crumbling tower could begin next summer if the rest comes in by
        spring, the Gull Point Lighthouse Society said this week.

        The 31-metre tower, built in 1872, was automated in 1968 and has been closed to the public
        since 2011, when engineers found cracks in the brick and rust in the iron lantern room. The
        society bought the site from the national government for a symbolic $1 in 2022.

        Society chair Harold Finnerty said the first phase would repair the brickwork and replace
        the lantern room's glass panels. A second phase would restore the keeper's cottage as a
        small museum and café. "Every family in this town has a photo of someone standing in front
        of that lighthouse," he said. "We'd like the next generation to be able to climb it."

        The society has applied for a $150,000 heritage grant from the province and expects a
        decision in January. It is also selling engraved bricks for $100 each, which will be set
        into a new path around the base of the tower.

        Donations can be made at the Harborton Credit Union or online through the society's
        website.
        """,
        url_duplicate=True,
    ),
    story(
        "hg-seed-library", SITE, "2026-10-19 11:00", "Nell Pritchard",
        "Harborton library now lends seeds as well as books",
        """
        Harborton Public Library has started lending something new: seeds. Patrons can now borrow up
        to five packets of vegetable, herb and flower seeds each season from a converted card
        catalogue near the front desk, and are asked to return seeds from their own harvest in the
        fall.

        The project was started by children's librarian Wanda Ostrowski and the Harborton Garden
        Club, which donated about 1,800 packets to get it started. Tomatoes, beans, lettuce and
        sunflowers are the most popular so far.

        "The idea is that the collection slowly adapts to our coastal climate," Ostrowski said. "If
        a bean does well in somebody's salty, windy backyard on Tern Street, we want those seeds
        back."

        Each packet includes a simple guide to saving seeds, and the library will host free
        workshops on the topic on the first Tuesday of each month, starting in February. No library
        card is required to attend.

        Seed libraries have spread quickly in recent years. At least seven other public libraries
        in Norland now run similar programs, according to the provincial library association.
        """,
    ),
    story(
        "hg-quay-street-paving", SITE, "2026-11-06 07:45", "Teodor Blake",
        "Quay Street repaving to snarl ferry traffic for three weeks",
        """
        Drivers heading to the Harborton ferry terminal should expect delays for the next three
        weeks as crews repave a 1.2-kilometre stretch of Quay Street between Anchor Lane and the
        terminal entrance, the city said Friday.

        Work will begin Monday and take place between 7 a.m. and 6 p.m. on weekdays. One lane in
        each direction will stay open, but the left turn into the Fishermen's Co-op lot will be
        closed, and parking on the south side of the street will be removed for the duration.

        City engineer Marcus Oyelaran said the road had not been fully repaved since 1998 and had
        become one of the most complained-about streets in town. "We fill potholes on Quay Street
        more than anywhere else in Harborton," he said. "At some point patching costs more than
        paving."

        The project will cost $1.9 million and includes new drainage grates and a painted bike lane
        on the uphill side. The contractor, Seabright Paving, must finish by Nov. 27 or pay a
        penalty of $5,000 a day.

        Ferry passengers are advised to arrive 20 minutes earlier than usual.
        """,
    ),
    story(
        "hg-seal-release", SITE, "2026-11-10 14:20", "Owen Castellanos",
        "Rescued harbour seal Pickle returns to the bay",
        """
        A young harbour seal found tangled in fishing line on the rocks below Gull Point was released
        back into the bay Tuesday after six weeks of care at the Harborton Marine Rescue Centre.

        The seal, a female about four months old whom staff named Pickle, was spotted by a dog
        walker in late September with a loop of monofilament line cutting into her neck. Rescuers
        estimated she weighed just 11 kilograms when she arrived, about half of what she should have.

        "She was thin, dehydrated and very angry with us," said centre director Noemi Kasprzak.
        "Those are all good signs in a seal, actually. The angry part especially."

        Pickle was fed a diet of blended herring at first and later whole fish. She weighed 24
        kilograms when she was released from a beach near the old cannery, where about 40 people
        gathered to watch her waddle into the water.

        Kasprzak said the centre had treated 19 seals this year, eight of them injured by discarded
        fishing gear. The centre asks anyone who finds a stranded marine mammal to keep their
        distance and call its hotline.
        """,
    ),
    story(
        "hg-scallop-season", SITE, "2026-10-31 09:00", "Owen Castellanos",
        "Scallop fleet lands its best season in a decade",
        """
        Harborton's scallop fleet has wrapped up its best season in a decade, landing about 1,150
        tonnes of meat worth an estimated $31 million at the dock, according to figures released by
        the Harborton Fishermen's Co-operative on Friday.

        The catch was up nearly 40 percent from last year, when storms kept boats tied up for much
        of October. Prices also held steady at around $27 a kilogram, helped by strong demand from
        restaurants in Kestrel City and overseas buyers.

        "We had calm water, healthy beds and boats that didn't break down," said co-op president
        Lorne MacAskill, who has fished out of Harborton for 34 years. "You don't get all three very
        often."

        Fisheries scientists credit a rotating closure system, introduced in 2019, which rests parts
        of the scallop grounds for three years at a time. Surveys this spring found the highest
        density of young scallops since the program began.

        The good season also helped businesses on shore. Harborton Ice & Cold Storage said it had
        added a second shift in September, and the co-op plans to spend part of its surplus on a new
        unloading crane.

        The fleet of 27 boats will now switch to maintenance for the winter, with the next season
        opening in late April.
        """,
    ),
    story(
        "hg-pier9-delay", SITE, "2026-11-12 23:40", "Miriam Hale",
        "Harborton council delays vote on Pier 9 towers",
        PIER9_BODY,
    ),
    story(
        "hg-pier9-update", SITE, "2026-11-13 16:05", "Miriam Hale",
        "UPDATED: Harborton council delays vote on Pier 9 towers; developer offers to cut height",
        PIER9_BODY + "\n\n" + PIER9_UPDATE_SECTION,
        kind="update", updates="hg-pier9-delay",
    ),
    story(
        "hg-grain-ship-aground", SITE, "2026-10-20 12:40", "Owen Castellanos",
        "Grain ship stuck on Skerry Bank draws crowds to Gull Point",
        """
        Dozens of Harborton residents lined the cliffs at Gull Point on Tuesday morning to watch
        three tugboats struggle to free the Marisol Dawn, a 182-metre bulk carrier that ran aground
        on Skerry Bank at the mouth of the bay shortly after sunrise.

        The ship, loaded with 41,000 tonnes of wheat bound for Kestrel City, struck the sandbar at
        6:40 a.m. while entering the channel in heavy fog. Harbour pilot logs show the vessel had
        taken on a pilot at the outer buoy about 20 minutes earlier.

        All 23 crew members stayed on board. "The crew is safe, and there is no sign of fuel in the
        water at this time," Coast Guard Captain Ilse Varga told reporters at the harbour master's
        office, adding that an aircraft had flown over the site twice during the morning.

        For lobster fishermen working near the bank, the concern is less about the ship than about
        what comes next. "If that hull cracks, it's our traps sitting right underneath," said Dale
        Hutchins, who had moved his boat to the north side of the bay as a precaution.

        Harbour master Colm Ferriter said ferry service was not affected but that smaller vessels
        had been asked to stay at least 500 metres from the ship. Salvage crews plan another attempt
        at high tide Wednesday morning.
        """,
        kind="independent", event="grain-ship-aground",
    ),
    story(
        "hg-route9-express", SITE, "2026-11-05 19:10", "Miriam Hale",
        "New express bus will link Harborton and Fenwick by spring",
        """
        Harborton commuters will be able to reach Fenwick in under an hour by bus starting next
        March, after the Coastal and Valley Regional Transit Authority approved a $14.2 million
        express route on Thursday.

        The new Route 9 will run every 30 minutes on weekdays between the Harborton ferry terminal
        and Fenwick's downtown station, with 11 stops in between, including the Halvorsen Shipyards
        gate and Alder Valley Hospital. Weekend buses will run hourly.

        "This is the single biggest improvement to regional service in a generation," board chair
        Helena Broadwater said after the 7-2 vote. Harborton's representative on the board,
        councillor Ivo Mendes, said shipyard workers who live in the valley had been asking for a
        direct bus for years.

        At present, riders travelling between the two communities must transfer in Millhaven, and
        the trip can take up to an hour and 45 minutes. The express will use eight new low-floor
        buses with space for bicycles.

        A one-way fare will cost $4.50, the same as the current local fare, and monthly passes will
        be valid on both systems.
        """,
        kind="independent", event="route9-express",
    ),
    story(
        "hg-winter-lights", SITE, "2026-11-14 09:00", "Nell Pritchard",
        "Harborton to light up its waterfront with first Winter Lights Festival",
        """
        More than 60,000 small lights will be strung along Harborton's waterfront this winter as the
        town launches its first Winter Lights Festival, a six-week event organizers hope will bring
        visitors to the harbour in its quietest season.

        The festival opens Dec. 4 with a lantern parade from the Customs House to Gull Point and will
        include an outdoor skating loop, a light sculpture trail and weekend night markets. Most
        events are free.

        "Winter in Harborton can be long and dark, and a lot of shops struggle between New Year's and
        Easter," said organizer Leona Farrugia of the Harborton Business Association. "We want to
        give people a reason to come down to the water when it's cold."

        The city contributed $85,000 to the festival, and local businesses raised about $120,000
        more. The light installations were designed by students at the Coastal College of Art and
        Design.

        The festival runs until Jan. 17.
        """,
        held=True,
    ),
]

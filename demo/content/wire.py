"""Northern Wire Service stories (``northern_wire``). ``W_*`` are reprinted by others."""

from demo.model import story

SITE = "northern_wire"

WIRE = [
    story(
        "nw-broadband", SITE, "2026-10-21 14:10", "Marta Ellingsen",
        "Assembly passes $310 million rural broadband bill",
        """
        The Norland Provincial Assembly on Wednesday approved a $310 million plan to bring
        high-speed internet to roughly 42,000 rural households, ending nearly two years of debate
        over how to close the province's digital divide. The bill passed 51 to 29 after a late
        amendment that requires providers to publish their coverage maps every six months.

        The Rural Connectivity Act directs the Ministry of Infrastructure to award construction
        grants in three rounds, with the first contracts expected by March. Companies that accept
        public money will have to offer a basic plan of at least 100 megabits per second for no
        more than $45 a month for the first five years.

        "For too long, families in the north have been told to drive to a library parking lot if
        they want to file their taxes or help their kids with homework," said Assembly member
        Carys Holloway, who sponsored the bill. "Today we stopped asking them to wait."

        Opposition members argued that the price cap could discourage smaller carriers from
        bidding. Assembly member Dorian Fitch said the province should have set aside money for
        maintenance as well as construction. "We are paying to lay fibre, but nobody has told me
        who pays to fix it when a winter storm tears it down," he said.

        According to ministry figures, about 18 percent of households outside Norland's five
        largest cities have no wired connection faster than 10 megabits per second. In parts of
        the Alder Valley and the northern coast, the figure is closer to one in three.

        The Norland Association of Municipalities welcomed the vote and said it would help towns
        identify public buildings, such as fire halls and schools, that could serve as anchor
        points for new networks.

        Governor Aurelio Madsen is expected to sign the bill next week. The ministry said it would
        open applications for the first round of grants on Jan. 15.
        """,
    ),
    story(
        "nw-rail-line", SITE, "2026-10-23 09:30", "Jonas Whitcombe",
        "Norland Rail to restore Northgate-Harborton passenger trains after 11 years",
        """
        Passenger trains will return to the line between Northgate and Harborton in June 2027 for
        the first time in 11 years, Norland Rail announced Friday, after the provincial government
        agreed to cover most of the cost of repairing bridges and signals along the 214-kilometre
        route.

        The Crown corporation said it would run three return trips a day at first, with stops in
        Millhaven, Ridgeford and Corran Junction. The full journey is scheduled to take three hours
        and 20 minutes, about 40 minutes less than the express bus that currently serves the
        corridor.

        "People have been asking us to bring this train back since the day we cancelled it," said
        Norland Rail chief executive Beatrix Olander. "We finally have the track, the rolling stock
        and the funding in the same place at the same time."

        The line was closed to passengers in 2015 after inspectors found serious corrosion on the
        Kellan River bridge. Freight service continued at reduced speeds. Repairs to that bridge
        and 17 smaller crossings are expected to cost $96 million, of which the province will pay
        $81 million.

        Norland Rail plans to use four refurbished diesel trainsets that were retired from its
        southern routes last year. Each can carry about 260 passengers. Fares have not been set,
        but Olander said a one-way adult ticket would cost "well under" $60.

        Some rail advocates said three trips a day was not enough. "A morning train and an evening
        train is a start, but it won't change how people live," said Gideon Ashby of the group
        Rails for Norland.
        """,
    ),
    story(
        "nw-ferry-contract", SITE, "2026-10-27 16:45", "Priya Salter",
        "Halvorsen Shipyards wins $1.2 billion contract for four hybrid ferries",
        """
        Halvorsen Shipyards has won a $1.2 billion contract to build four hybrid-electric ferries
        for the provincial fleet, the largest shipbuilding order in Norland in more than three
        decades, the Ministry of Transportation said Tuesday.

        The vessels, each about 107 metres long, will carry up to 145 vehicles and 600 passengers.
        They will run on batteries while crossing the Strait of Morrow and switch to diesel
        generators only in rough weather or when charging is not available. The first ferry is due
        to enter service in 2030.

        The contract is expected to create about 900 jobs at the company's yard in Harborton at
        its peak, as well as work for suppliers across the province. Halvorsen currently employs
        about 1,300 people.

        "This is the order this yard has been waiting for," said Halvorsen president Ingrid
        Sorvik. "We will be hiring welders, electricians and pipefitters, and we will be training a
        lot of them ourselves."

        The ministry said Halvorsen's bid was chosen over two foreign competitors because it scored
        higher on delivery schedule and local content, even though it was not the cheapest. The
        difference between the lowest bid and Halvorsen's was about $70 million, according to
        documents released with the announcement.

        The province's current ferries are an average of 38 years old, and breakdowns cancelled
        more than 400 sailings last year. Transportation Minister Lucas Ferreira said two of the
        oldest ships would be retired as soon as the new ones arrive.
        """,
    ),
    story(
        "nw-water-limits", SITE, "2026-10-29 11:20", "Edwin Okoro-Baird",
        "Drought forces water restrictions in 14 southern municipalities",
        """
        Fourteen municipalities in southern Norland will impose mandatory water restrictions
        starting Monday after the driest late summer and autumn on record left reservoirs at less
        than half their normal levels, the Norland Water Authority said Thursday.

        Under the stage-two restrictions, residents may not water lawns, wash cars at home or fill
        swimming pools. Businesses that use water for landscaping will be limited to two days a
        week. Fines start at $250 for a first offence.

        The authority said the Glenmoor Reservoir, which supplies about 310,000 people, stood at 41
        percent of capacity on Wednesday. Only 38 millimetres of rain fell across the region in
        September and October combined, compared with a long-term average of 171 millimetres.

        "We are not in an emergency yet, but we are closer than we would like to be," said Rhea
        Callander, the authority's director of operations. "Every litre people save now is a litre
        we will have in February."

        Farmers in the region said the dry weather had already cut yields of late potatoes and
        winter feed. The Southern Growers Federation estimated crop losses at around $35 million.

        Forecasters at the Norland Weather Office said a wetter pattern could arrive by
        mid-November but cautioned that it would take several weeks of steady rain to refill the
        reservoirs. The restrictions will be reviewed every two weeks.
        """,
    ),
    story(
        "nw-highway-audit", SITE, "2026-11-02 15:00", "Lena Marchetti",
        "Auditor general finds $48 million paid for highway work never done",
        """
        Norland's auditor general says the province paid at least $48 million for highway work
        that was never completed or was billed twice, in a report released Monday that calls for
        an overhaul of how road contracts are managed.

        Auditor General Simone Achterberg reviewed 212 contracts signed between 2021 and 2025. She
        found that in 37 of them, contractors were paid in full before inspectors signed off on the
        work, and in nine cases the same invoice was paid more than once.

        "These are not rounding errors," Achterberg told reporters. "The ministry did not know what
        it had paid for, and in several cases it still does not."

        The largest single problem involved resurfacing on Highway 6 north of Corran Junction,
        where the province paid $11.3 million for 40 kilometres of work. Inspectors later found
        that about 15 kilometres had not been resurfaced at all.

        Infrastructure Minister Paulo Rendell said he accepted all 14 of the auditor's
        recommendations and had asked provincial police to review the Highway 6 file. "Anyone who
        took public money for work they did not do will be asked to give it back," he said.

        The report also found that the ministry's inspection staff had shrunk from 96 to 61
        positions over five years, even as spending on highways grew by almost a third. Achterberg
        recommended hiring back at least 30 inspectors and publishing all contract payments online.
        """,
    ),
    story(
        "nw-yogurt-recall", SITE, "2026-11-04 13:05", "Priya Salter",
        "Pinecrest Dairy recalls 12,000 cases of yogurt over plastic fragments",
        """
        Pinecrest Dairy Cooperative is recalling about 12,000 cases of yogurt sold across Norland
        after a packaging defect allowed small pieces of plastic to fall into some containers, the
        provincial Food Safety Agency said Wednesday.

        The recall covers 500-gram tubs of Pinecrest plain, vanilla and strawberry yogurt with
        best-before dates between Nov. 20 and Dec. 4. The products were sold at grocery stores,
        convenience stores and some school cafeterias.

        The agency said it had received three reports of customers finding hard plastic fragments,
        and one report of a minor mouth injury. No one has been admitted to hospital.

        "We traced the problem to a sealing machine at our Ridgeford plant that was shedding pieces
        of its own guard," said Pinecrest quality manager Oskar Lindqvist. "That line has been shut
        down and every tub it produced is being pulled."

        Customers are asked not to eat the affected products and to return them to the store for a
        full refund. The cooperative, which is owned by about 340 dairy farms, said it had notified
        retailers on Tuesday evening.

        The agency said recalls involving foreign material have become more common as plants
        automate, with 27 such recalls in the province so far this year compared with 16 in all of
        2023.
        """,
    ),
    story(
        "nw-salmon-return", SITE, "2026-11-05 10:40", "Jonas Whitcombe",
        "Salmon spawn in upper Tessa River for first time in 60 years",
        """
        Atlantic salmon have returned to spawn in the upper Tessa River for the first time in more
        than 60 years, researchers at the University of Northgate said Thursday, three years after
        the removal of the Brannock Dam opened the river to migrating fish.

        A team led by fish biologist Dr. Amara Kettering counted 74 adult salmon above the old dam
        site in October, along with dozens of nests, known as redds, in gravel beds near the
        village of Oldbridge.

        "When we took the dam out, people asked us how long it would take," Kettering said.
        "Honestly, we thought it might be a decade. The fish had other ideas."

        The Brannock Dam was built in 1958 to power a paper mill that closed in 1991. It was
        removed in 2023 at a cost of $19 million, shared between the province and a conservation
        trust.

        Researchers tagged 22 of the returning fish with small radio transmitters to track how far
        upstream they travel. One has already been recorded 31 kilometres above the former dam.

        Local anglers welcomed the news but said fishing rules would need to change to protect the
        young population. The province said there would be no salmon fishing on the upper Tessa for
        at least five years.

        The research team plans to install an underwater camera at the dam site next spring to
        count young fish heading out to sea.
        """,
    ),
    story(
        "nw-minimum-wage", SITE, "2026-11-09 17:15", "Marta Ellingsen",
        "Norland minimum wage to rise to $17.40 on Jan. 1",
        """
        Norland's minimum wage will rise to $17.40 an hour on Jan. 1, an increase of 85 cents,
        Labour Minister Noor Abernathy announced Monday.

        The increase is tied to inflation under a law passed in 2022 and will affect about 96,000
        workers, most of them in retail, food service and hospitality, according to ministry
        estimates.

        "A full-time worker at minimum wage will earn about $1,700 more next year," Abernathy said.
        "That matters when rent and groceries are where they are."

        Business groups said the increase was expected but warned that small employers were
        struggling with other rising costs. "Most of our members support a fair wage, but they are
        also paying more for rent, insurance and supplies," said Harriet Coombe of the Norland
        Independent Business Council.

        The Norland Federation of Labour said the wage should be at least $20 an hour to match
        living costs in the province's larger cities. A report by the federation last spring
        estimated the living wage in Kestrel City at $23.85.

        Students under 18 and liquor servers will see their minimum rates rise by the same
        percentage, to $16.35 and $15.95 respectively.
        """,
    ),
    story(
        "nw-wind-farm", SITE, "2026-11-10 12:00", "Edwin Okoro-Baird",
        "Regulators approve 48-turbine wind farm off Cape Morrow",
        """
        Provincial regulators on Tuesday approved a 48-turbine offshore wind farm off Cape Morrow,
        clearing the way for what would be Norland's first large-scale offshore power project.

        Tessaly Energy plans to begin construction in 2028 on the $2.6 billion project, which would
        generate up to 720 megawatts, enough to supply about 300,000 homes. The turbines would stand
        14 kilometres from shore and be barely visible from the cape on a clear day, the company
        says.

        The Norland Energy Board attached 31 conditions to its approval, including seasonal limits
        on construction to protect migrating whales and a requirement that the company fund a
        compensation program for fishers who lose access to traditional grounds.

        "This is a big step, but it is not a blank cheque," board chair Yusuf Delacroix said. "The
        company will have to show us, year by year, that it is keeping its promises."

        The Cape Morrow Fishermen's Association, which opposed the project at hearings last spring,
        said it would study the conditions before deciding whether to appeal. "Our members still
        have a lot of questions about the cable route," said association president Walt Brennigan.

        Tessaly expects to sign a power purchase agreement with the provincial utility next year.
        The project still needs national approval for its undersea cable.
        """,
    ),
    story(
        "nw-wildfire-cost", SITE, "2026-11-12 08:50", "Lena Marchetti",
        "Wildfire season was Norland's costliest on record at $212 million",
        """
        Norland's 2026 wildfire season was the most expensive on record, costing the province $212
        million to fight, the Ministry of Natural Resources said Thursday in its year-end summary.

        Crews fought 1,146 fires between April and October, and about 388,000 hectares burned, an
        area larger than the previous three seasons combined. More than 6,000 people were evacuated
        at the peak of the season in August, including the entire town of Elk Hollow.

        "The fires came earlier, burned hotter and lasted longer than anything our crews have
        seen," said provincial fire commissioner Gerard Thistlewood. "We were moving people and
        equipment across the province for weeks at a time."

        The summary said lightning started about 60 percent of the fires. Human activity, including
        campfires and equipment sparks, accounted for most of the rest.

        The ministry plans to hire 120 more seasonal firefighters next year and to lease two
        additional water bombers. It will also expand a program that pays rural landowners to clear
        brush near homes.

        Opposition critics said the province had been slow to invest in prevention. The Norland
        Forest Workers Union has called for year-round crews to thin forests during the winter
        months.
        """,
    ),
]

SOLO = [
    story(
        "nw-unemployment", SITE, "2026-10-20 10:00", "Edwin Okoro-Baird",
        "Norland jobless rate falls to 4.9 percent, lowest since 2019",
        """
        Norland's unemployment rate fell to 4.9 percent in September, its lowest level since the
        spring of 2019, according to figures released Tuesday by the provincial statistics bureau.

        The economy added about 7,800 jobs during the month, most of them in construction, health
        care and transportation. Manufacturing employment was largely unchanged, while retail lost
        about 1,200 positions.

        Youth unemployment, which covers workers aged 15 to 24, dropped to 9.7 percent from 11.2
        percent in August. The bureau said the decline was partly seasonal, as summer jobs ended and
        some young people left the labour force to return to school.

        "The headline number is good news, but wage growth is still lagging behind inflation for a
        lot of households," said economist Felicity Arkwright of the Northgate Policy Institute.

        Kestrel City had the lowest jobless rate of the province's metropolitan areas at 4.2
        percent. The northern coast region had the highest, at 7.6 percent.
        """,
    ),
    story(
        "nw-cod-quota-ruling", SITE, "2026-10-30 14:30", "Marta Ellingsen",
        "Appeal court upholds 40 percent cut to cod quota",
        """
        The Norland Court of Appeal on Friday upheld the province's decision to cut the commercial
        cod quota by 40 percent, rejecting a challenge from two fishing associations that argued
        the cuts were based on flawed science.

        In a unanimous decision, a three-judge panel found that the Ministry of Fisheries had acted
        within its authority and had consulted the industry adequately before announcing the cuts
        last year.

        "It is not the role of this court to choose between competing scientific models," Justice
        Hannelore Beck wrote for the panel. "It is enough that the minister considered the evidence
        before her and gave reasons for her decision."

        The Northern Coast Harvesters Union and the Skerry Island Fishermen's Cooperative had
        argued that the ministry's stock estimates ignored data collected by fishers themselves.
        They said the quota cut cost their members about $22 million in lost income in the first
        season.

        Union spokesperson Declan Moorcroft said the groups were considering whether to seek leave
        to appeal to the country's highest court. "We will keep fighting for our crews," he said.

        The quota for 2027 is expected to be announced in January.
        """,
    ),
    story(
        "nw-airport-record", SITE, "2026-11-06 09:10", "Jonas Whitcombe",
        "Northgate airport sets quarterly passenger record",
        """
        Northgate International Airport handled a record 1.41 million passengers in the third
        quarter of the year, an increase of 12 percent over the same period last year, the airport
        authority said Friday.

        The growth was driven by new routes to the south added by two low-cost carriers in the
        spring, as well as a strong summer tourism season. July was the busiest month in the
        airport's history, with about 512,000 travellers.

        "We have gone from worrying about whether people would come back after the pandemic to
        worrying about whether our terminal is big enough," said airport authority president Maxine
        Dufort.

        The authority is in the middle of a $180 million expansion that will add six gates and a
        larger security screening area. The first phase is scheduled to open next summer.

        Travellers have complained about long lines at security during peak hours. The authority
        said it was working with the national screening agency to add staff and open two more lanes
        before the holiday season.
        """,
    ),
    story(
        "nw-shipbuilder-archive", SITE, "2026-11-11 15:20", "Priya Salter",
        "Museum acquires archive of 19th-century Ravensworth shipyard",
        """
        The Northgate Museum of History has acquired the private archive of the Ravensworth family,
        whose shipyard built more than 300 wooden vessels along the Norland coast between 1841 and
        1912, the museum announced Wednesday.

        The collection includes about 2,400 hand-drawn hull plans, ledgers recording wages and
        timber purchases, and letters between family members and ship captains in ports around the
        world. It was donated by descendants living in Northgate and overseas.

        "Most of what we know about wooden shipbuilding in this province comes from a handful of
        surviving ships and some photographs," said chief curator Elspeth Marlowe. "These papers
        show us how the business actually worked, week by week."

        The museum plans to digitize the hull plans over the next two years and make them available
        online. A selection of letters and drawings will be displayed in a new exhibition opening in
        May.

        The Ravensworth yard stood on the site of what is now Harborton's waterfront park. Its last
        ship, the schooner Maren Ravensworth, sank in a storm in 1919 with no loss of life.
        """,
    ),
    story(
        "nw-storm-outages", SITE, "2026-11-08 13:30", "Edwin Okoro-Baird",
        "Storm cuts power to 38,000 customers across central and southern Norland",
        """
        A fast-moving autumn storm knocked out power to about 38,000 customers across central and
        southern Norland on Sunday, toppling trees, closing roads and forcing several ferry sailings
        to be cancelled.

        Wind gusts reached 110 kilometres an hour at the Northgate airport shortly after 4 a.m.,
        according to the Norland Weather Office. Some areas received more than 60 millimetres of
        rain in under 12 hours.

        Northgate Power Corporation said it had restored service to about half of the affected
        customers by early afternoon. The utility brought in 45 extra crews from neighbouring
        regions. "Crews will work around the clock until every customer is back online," said
        spokesperson Tobias Renn. He said some customers in rural areas might not have power until
        Tuesday.

        Provincial police closed parts of Highway 4 and Highway 11 because of fallen trees and power
        lines. No serious injuries had been reported by Sunday evening.

        The storm offered some relief to drought-stricken southern municipalities, although water
        officials said one day of heavy rain would not be enough to lift restrictions.
        """,
        kind="independent", event="storm-outages",
    ),
]

HELD = [
    story(
        "nw-budget-surplus", SITE, "2026-11-14 15:00", "Lena Marchetti",
        "Norland posts $640 million surplus, nearly triple the forecast",
        """
        Norland ended its last fiscal year with a surplus of $640 million, nearly three times what
        the government had forecast, Finance Minister Cordelia Ashworth said Saturday, crediting
        higher-than-expected income tax revenue and lower interest costs.

        The surplus follows two years of deficits during which the province borrowed heavily to pay
        for wildfire recovery and hospital construction. Ashworth said about $400 million would go
        toward paying down debt, with the rest set aside in a contingency fund.

        "We are not going to spend a windfall as if it will happen every year," Ashworth said. "A
        good year is the best time to prepare for a bad one."

        Opposition finance critic Bertrand Nkemelu said the government should use part of the money
        to reduce hospital wait lists and hire teachers. "Families are not interested in a
        contingency fund. They want a family doctor," he said.

        Provincial revenue grew 7 percent over the year, while spending rose 4 percent. The
        province's net debt now stands at about $29 billion.
        """,
        held=True,
    ),
    story(
        "nw-counterfeit-seizure", SITE, "2026-11-15 11:30", "Jonas Whitcombe",
        "Police seize $8.7 million in counterfeit goods at Port of Northgate",
        """
        Provincial police have seized counterfeit handbags, watches and electronics worth an
        estimated $8.7 million from two shipping containers at the Port of Northgate, the largest
        such seizure in Norland's history, officials said Sunday.

        Investigators said the containers were declared as kitchen supplies and arrived from
        overseas in late October. Officers found about 14,000 fake designer items hidden behind
        boxes of plastic cutlery and paper plates.

        "These goods are not harmless bargains," said Inspector Raymond Achterfeld of the provincial
        police's commercial crime unit. "Some of the chargers we found could start a fire in a
        child's bedroom."

        Two men from Kestrel City have been charged with importing counterfeit goods and fraud.
        Police said more arrests were possible as they examine shipping records linked to a company
        registered in Northgate.

        The seized items will be destroyed once the court case is complete. Police urged shoppers to
        buy electronics only from established retailers before the holiday season.
        """,
        held=True,
    ),
]

STORIES = WIRE + SOLO + HELD

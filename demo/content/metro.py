"""Metro Daily's own stories (``metro_daily``), Kestrel City news."""

from demo.model import story

SITE = "metro_daily"

STORIES = [
    story(
        "md-blue-line-signals", SITE, "2026-10-22 06:30", "Alexei Brandt",
        "Blue Line riders face months of closures for signal upgrade",
        """
        Riders on Kestrel City's Blue Line subway should expect weekend closures and slower weekday
        service until the end of January as the transit agency replaces signalling equipment that
        dates back to the line's opening in 1979, officials said Thursday.

        The Kestrel City Transit Commission will close the line between Union Square and Larkspur
        stations on six weekends, starting Oct. 31, and run shuttle buses instead. During weekdays,
        trains will run every six minutes at rush hour instead of every four.

        "This is the kind of work nobody wants to see, but if we don't do it, the signals will start
        making the decisions for us," commission chief operating officer Dana Whitfield said.

        The $340 million project will install a computer-based system that allows trains to run
        closer together safely. Once it is finished in 2028, the commission says, the Blue Line will
        be able to carry about 30 percent more passengers.

        The line carries about 210,000 riders on an average weekday. Signal failures caused more
        than 90 hours of delays last year.
        """,
    ),
    story(
        "md-eastbank-housing", SITE, "2026-10-30 12:00", "Kemi Lawson",
        "Work starts on 240-unit affordable tower in Eastbank",
        """
        Construction began Friday on a 27-storey tower in Kestrel City's Eastbank neighbourhood that
        will include 240 apartments, all of them rented at below-market rates, in what the city
        calls its largest affordable housing project to date.

        The $118 million building on Ferrule Street is being developed by the non-profit Kestrel
        Housing Trust on land donated by the city. Rents will be set at no more than 30 percent of
        household income for families earning under $62,000 a year.

        Mayor Priya Vantongeren, who helped break ground alongside trust staff and future
        neighbours, said the city had more than 11,000 households on its waiting list for
        subsidized housing. "We can't build our way out of that list in one year," she said. "But we
        can stop pretending it isn't there."

        About 90 of the units will have three bedrooms, a size that is almost impossible to find in
        new rental buildings. The ground floor will house a daycare with 48 spaces and a community
        health clinic.

        The tower is expected to be ready for tenants in the spring of 2029.
        """,
        url_duplicate=True,
    ),
    story(
        "md-marathon-record", SITE, "2026-10-18 16:00", "Alexei Brandt",
        "Record field and a course record at the Kestrel City Marathon",
        """
        A record 18,400 runners crossed the finish line at the Kestrel City Marathon on Sunday, as
        cool temperatures and a new, flatter course produced the fastest times in the race's
        52-year history.

        Kestrel City runner Daniel Mwangi-Holt won the men's race in 2 hours, 9 minutes and 48
        seconds, breaking the course record by more than a minute. The women's race was won by
        Ingrid Solberg-Ames of Northgate in 2:27:15.

        "I felt good at 30 kilometres and decided to see what would happen," Mwangi-Holt said. "The
        crowd on the bridge carried me the rest of the way."

        Organizers moved the course this year to avoid the steep climb up Ridley Hill, which runners
        had long called the worst stretch of the race. The change also meant closing fewer downtown
        streets, which race director Corinne Batista said reduced complaints from businesses.

        Medical teams treated 146 runners, mostly for cramps and blisters. Two were taken to
        hospital as a precaution and released the same day.
        """,
    ),
    story(
        "md-food-trucks", SITE, "2026-11-03 19:00", "Kemi Lawson",
        "Council opens 40 new spots to food trucks, scraps permit lottery",
        """
        Food trucks will be allowed to park in 40 new locations across Kestrel City, including
        outside three downtown office towers and along the Eastbank waterfront, under permit rules
        approved by city council on Tuesday.

        The changes replace a lottery system that truck owners said was unpredictable and unfair.
        Under the new rules, operators will pay $1,200 a year for a permit and book spots online up
        to two weeks in advance. Trucks must stay at least 50 metres from restaurants that serve
        similar food.

        "Last year I drew a spot behind a hockey arena in July," said Nadia Hakimi, who runs the
        Dumpling Wagon truck. "Now I can actually plan where I'm going to be."

        The Kestrel City Restaurant Association opposed parts of the plan, arguing that trucks pay
        lower property costs and should face stricter distance limits. Council reduced the number
        of proposed downtown locations from 14 to nine in response.

        The new rules take effect March 1. The city currently licenses 112 food trucks.
        """,
    ),
    story(
        "md-varenne-exhibit", SITE, "2026-11-07 13:00", "Sunita Ravel",
        "Forgotten seascapes of Odile Varenne fill the Kestrel City Art Gallery",
        """
        The Kestrel City Art Gallery opened the largest exhibition in its history on Saturday,
        bringing together 212 works by the painter Odile Varenne, whose stormy seascapes of the
        Norland coast were largely forgotten after her death in 1958.

        The show, titled "Weather Notes," includes paintings borrowed from 37 private collections,
        many of which have never been shown in public. Curator Benedikt Asante spent four years
        tracking down works, some of which turned up in farmhouses and one in the back room of a
        Harborton pub.

        "She painted the sea the way fishermen talk about it, as something you respect and argue
        with at the same time," Asante said. "People are going to recognize their own coast in these
        rooms."

        The exhibition also includes Varenne's sketchbooks and letters, as well as a reconstruction
        of her studio, based on photographs taken by her niece in the 1950s.

        "Weather Notes" runs until April 12. Admission is free on Thursday evenings.
        """,
    ),
    story(
        "md-bike-lanes", SITE, "2026-11-10 09:30", "Alexei Brandt",
        "City plans 22 km of protected bike lanes, including Calder Bridge crossing",
        """
        Kestrel City will add 22 kilometres of protected bike lanes over the next two years,
        including the first separated route across the Calder River, under a $46 million plan
        approved by council's transportation committee on Monday.

        The plan connects existing lanes in Eastbank and the university district, and adds a two-way
        track along Ferrule Street and a lane on the lower deck of the Calder Bridge, which now
        carries only cars and a narrow sidewalk.

        Cycling trips in the city have roughly doubled since 2019, according to counters installed
        on major routes. "The people are already out there riding," committee chair Tamsin Oyelowo
        said. "We are just catching up with them."

        Some business owners on Ferrule Street worried about losing 140 parking spaces. The city said
        it would convert two nearby surface lots into short-term parking and add loading zones on
        side streets.

        The full council will vote on the plan on Nov. 24.
        """,
    ),
    story(
        "md-brightwater-warehouse", SITE, "2026-11-02 10:00", "Sunita Ravel",
        "Brightwater Freight to build $75 million distribution centre in Harborton",
        """
        Kestrel City-based Brightwater Freight will build a $75 million distribution centre in
        Harborton, its first major facility outside the city, the company said Monday, betting that
        the revival of the northern rail line will make the port town a shipping hub.

        The 42,000-square-metre warehouse will be built on a 16-hectare site next to the Harborton
        rail yard and is expected to employ about 260 people when it opens in 2028.

        "Harborton has a deep-water port, a shipyard and, soon, a passenger and freight line that
        actually works," Brightwater chief executive Colette Ambrose said. "It would be strange for
        us not to be there."

        Brightwater, which employs about 2,100 people, moves goods for retailers and manufacturers
        across Norland. The company has struggled with congestion and rising land prices around its
        main terminal in Kestrel City's Southport district.

        Harborton Mayor Rosalind Teague called the announcement "the biggest private investment in
        our town since the shipyard expanded in the 1980s." The city will extend water and sewer
        lines to the site.

        Construction is scheduled to start next spring, pending environmental approvals.
        """,
    ),
    story(
        "md-library-hours", SITE, "2026-11-05 17:00", "Kemi Lawson",
        "Central library to stay open until 10 p.m. on weeknights",
        """
        The Kestrel City Public Library will keep its central branch open until 10 p.m. on weeknights
        starting in December, a move that library officials say responds to growing demand from
        students and from residents looking for a warm, quiet place to work.

        The library's board approved a $1.6 million budget increase to pay for the longer hours and
        for 19 additional staff positions, including two social workers who will be based at the
        central branch on Lantern Street.

        "After 8 p.m., we were turning away people who had nowhere else to go to study," chief
        librarian Obiageli Fairweather said. "Closing the doors at that hour did not make sense for a
        city this size."

        Four neighbourhood branches will also open on Sunday afternoons, from noon to 5 p.m., for the
        first time since 2015. Usage data show that visits on Saturdays have grown by 24 percent over
        the past two years.

        The library will review the extended hours after six months.
        """,
        kind="malformed",
    ),
    story(
        "md-grain-terminal-delay", SITE, "2026-10-20 15:25", "Sunita Ravel",
        "Wheat shipment to Kestrel City delayed after bulk carrier grounds near Harborton",
        """
        A cargo of 41,000 tonnes of wheat destined for the Kestrel City grain terminal is stuck off
        the coast after the bulk carrier Marisol Dawn ran aground near Harborton on Tuesday, raising
        questions about pilotage rules in one of the province's busiest approaches.

        According to the Coast Guard, the 182-metre vessel grounded on Skerry Bank at 6:40 a.m.
        local time in poor visibility. None of the 23 crew members were hurt. "The crew is safe, and
        there is no sign of fuel in the water at this time," said Captain Ilse Varga.

        Kestrel Grain Terminal general manager Roderick Sayle said the delay would not cause
        shortages but could push back loading schedules for two outbound vessels next week. The
        shipment belongs to Prairie Crown Commodities, which did not respond to a request for
        comment.

        The grounding is the third on Skerry Bank in five years. A 2023 safety review recommended
        moving the outer channel buoy 300 metres to the east, but the change has not been made. The
        Norland Marine Safety Board said it would send investigators.

        Salvage company Harrow Marine said it would try to refloat the ship at Wednesday's high
        tide, possibly after pumping some ballast water out to lighten the vessel.
        """,
        kind="independent", event="grain-ship-aground",
    ),
    story(
        "md-teachers-pressure", SITE, "2026-10-26 07:15", "Jerome Whitlock",
        "Valley teachers' deal puts pressure on Kestrel City school board",
        """
        A last-minute agreement that averted a teachers' strike in the Alder Valley early Sunday is
        likely to shape contract talks in Kestrel City, where teachers have been without a contract
        since August, union leaders and analysts said.

        The Alder Valley deal, which covers 1,140 teachers, includes raises totalling 9 percent over
        three years and a cap of 24 students in most elementary classes. Kestrel City's board has so
        far offered 6 percent and has refused to discuss class sizes at the bargaining table.

        Dolores Quint, president of the Alder Valley Teachers' Association, said her members had
        been ready to strike. "Nobody wanted to see classrooms empty on Monday morning," she said.
        "But we were not going to sign something that left kids in classes of 32."

        Kestrel City Teachers' Union president Martin Achebe-Forde said the valley agreement "shows
        what is possible when a board takes class size seriously." The city's school board chair,
        Lorraine Vickers, said the two districts faced very different budgets and that comparisons
        were "not helpful."

        Kestrel City teachers are scheduled to hold a strike vote on Nov. 18. The board's 4,900
        teachers would be the largest group to walk off the job in Norland in more than a decade.
        """,
        kind="independent", event="valley-teachers-deal",
    ),
    story(
        "md-fare-freeze", SITE, "2026-11-16 18:30", "Jerome Whitlock",
        "Council freezes transit fares for 2027",
        """
        Kestrel City council voted 11 to 4 on Monday to freeze transit fares for 2027, rejecting a
        proposal from the transit commission to raise the price of a single ride by 25 cents.

        Keeping the adult fare at $3.50 will cost the commission about $19 million next year, money
        the city will cover from a reserve fund built up from higher-than-expected parking revenue.

        "We are asking people to leave their cars at home and take transit. Raising fares sends the
        opposite message," said councillor Adebayo Lindqvist, who moved the freeze.

        Commission chair Rosalie Quartermain warned that the freeze could not last forever. "Our
        costs for fuel, wages and maintenance keep rising whether or not fares do," she said.

        Monthly passes will also stay at $128, and the discounted pass for seniors and low-income
        residents will remain at $54. The commission will present its full 2027 budget to council
        in early December.
        """,
        held=True,
    ),
    story(
        "md-red-panda-cubs", SITE, "2026-11-17 10:00", "Sunita Ravel",
        "Twin red panda cubs are the zoo's first in 14 years",
        """
        The Kestrel City Zoo has welcomed twin red panda cubs, the first born at the zoo in 14 years,
        staff announced Tuesday.

        The cubs, one male and one female, were born in late August to seven-year-old mother Suri and
        have spent their first weeks in a nest box away from public view, which is normal for the
        species. Keepers confirmed both were healthy at their first veterinary check last week, when
        each weighed about 1.2 kilograms.

        "They are tumbling, climbing and chewing everything in reach, including the keepers'
        shoelaces," said head of mammals Grace Abernethy-Lowe. "We are thrilled."

        Red pandas are listed as endangered, with fewer than 10,000 believed to remain in the wild.
        The cubs' birth was part of an international breeding program that pairs animals to keep
        captive populations genetically healthy.

        The cubs will make their first public appearance in December. The zoo will hold a naming
        contest on its website.
        """,
        held=True,
    ),
]

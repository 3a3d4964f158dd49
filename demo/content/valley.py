"""Valley Courier's own stories (``valley_courier``): Fenwick, Ridgeford, Millhaven."""

from demo.model import story

SITE = "valley_courier"

STORIES = [
    story(
        "vc-apple-festival", SITE, "2026-10-18 18:00", "Rosa Imbert",
        "Apple Harvest Festival breaks attendance record again",
        """
        More than 14,000 people visited the Fenwick Apple Harvest Festival over the weekend,
        breaking the event's attendance record for the second year in a row, organizers said
        Sunday.

        The two-day festival filled Riverside Park with orchard stalls, a cider-pressing
        demonstration and a pie contest that drew 63 entries, the most in its 41-year history.
        First prize went to 78-year-old Marguerite Delacey of Ridgeford for a cardamom and brown
        butter apple pie.

        "I've entered every year since 1991 and never placed higher than third," Delacey said,
        holding her blue ribbon. "I think the cardamom finally did it."

        Festival chair Arnold Petrosyan said the good weather helped, but so did a new shuttle bus
        from the Millhaven park-and-ride, which carried about 2,300 people. Local orchards reported
        selling out of several heritage varieties by Sunday afternoon, including Russet Queen and
        Valley Gold.

        Proceeds from the festival support the Fenwick Food Bank and the Alder Valley 4-H clubs.
        """,
    ),
    story(
        "vc-covered-bridge", SITE, "2026-10-26 15:00", "Henrik Vale",
        "Ridgeford covered bridge reopens after 18-month restoration",
        """
        The Ridgeford covered bridge, a wooden landmark that has spanned Cutler Creek since 1894,
        reopened to pedestrians and cyclists on Monday after an 18-month restoration that replaced
        most of its rotten floor beams and roof.

        Crews from Alder Timberworks used traditional joinery and Douglas fir salvaged from a
        demolished warehouse to rebuild the trusses, keeping as much of the original structure as
        possible. About 60 percent of the bridge's visible timber is original, according to the
        town.

        "When we opened the roof, you could see daylight through beams that were holding up the
        whole thing," said carpenter Idris Vandermolen, who led the project. "It was standing mostly
        out of habit."

        The $2.3 million project was paid for by the town, a provincial heritage grant and a
        community fundraising campaign that collected $186,000. The bridge will remain closed to
        cars, which were banned in 1978.

        A ribbon-cutting ceremony is planned for Saturday at 11 a.m., followed by a pancake
        breakfast at the Ridgeford fire hall.
        """,
    ),
    story(
        "vc-maternity-wing", SITE, "2026-11-01 10:30", "Clara Wendell",
        "Valley babies can be born at home again as hospital opens maternity wing",
        """
        Alder Valley Hospital opened its new maternity wing to patients on Sunday, ending a two-year
        period in which many expectant mothers in the valley had to travel to Kestrel City to give
        birth.

        The $27 million wing has 12 private birthing rooms, a four-bed neonatal care unit and a
        dedicated operating room for caesarean sections. The hospital had closed its old obstetrics
        unit in 2024 after it lost three of its five obstetricians to retirement.

        Hospital chief executive Philippa Narayan said the hospital had since recruited four
        obstetricians and 22 nurses, some of them trained locally through a partnership with Fenwick
        Community College. "We built the rooms, but the people were the harder part," she said.

        The first baby born in the new wing, a boy named Theo, arrived at 3:12 a.m. Sunday, weighing
        3.4 kilograms. His mother, Ridgeford resident Annika Sorensen, said she had been dreading a
        winter drive over the pass. "Twenty minutes instead of two hours made all the difference,"
        she said.

        The hospital expects about 650 births a year in the new wing.
        """,
    ),
    story(
        "vc-mustangs-title", SITE, "2026-11-07 22:30", "Henrik Vale",
        "Late interception gives Millhaven Mustangs first title in 23 years",
        """
        The Millhaven Mustangs won their first regional high school football championship in 23
        years on Saturday, beating the Harborton Herons 28-21 in a game decided by a fourth-quarter
        interception.

        With the score tied and less than two minutes to play, Mustangs cornerback Eli Strand
        stepped in front of a pass near midfield and ran it back 47 yards for a touchdown. The home
        crowd of about 3,200 at Millhaven Field poured onto the sidelines before officials cleared
        them for the final kickoff.

        "I saw the quarterback look at the receiver for too long, and I just went," Strand said. "I
        don't really remember the running part."

        Quarterback Kieran Oduya threw for 214 yards and two touchdowns for Millhaven, which
        finished the season 10-1. Harborton's only previous loss came in September.

        Head coach Denise Albrecht, in her fourth season, said the win belonged to the whole town.
        The Mustangs will play in the provincial semifinal in Northgate on Nov. 21.
        """,
    ),
    story(
        "vc-dog-park", SITE, "2026-11-04 20:15", "Rosa Imbert",
        "Fenwick council approves town's first off-leash dog park",
        """
        Fenwick town council voted unanimously on Tuesday to build the town's first off-leash dog
        park on a 1.4-hectare piece of unused land next to the public works yard on Mill Road.

        The park will have separate fenced areas for large and small dogs, a water fountain, benches
        and a gravel parking lot for 20 cars. Construction is expected to cost about $310,000 and
        begin in April, with an opening planned for July.

        Resident Hazel Brightman, who gathered 1,100 signatures on a petition for the park, brought
        her border collie, Juniper, to the meeting. "We've been running our dogs in the school field
        at dawn and hoping nobody noticed," she said. "Now we can stop sneaking around."

        Councillor Reuben Tiller said some neighbours had raised concerns about noise, so the park
        will close at 9 p.m. and a row of cedar trees will be planted along its eastern edge.

        The town is asking residents to suggest names for the park through its website until Dec.
        15.
        """,
    ),
    story(
        "vc-brewery-expansion", SITE, "2026-11-11 11:00", "Clara Wendell",
        "Cutler Creek Brewing to triple production in Fenwick warehouse",
        """
        Cutler Creek Brewing, the Ridgeford craft brewery that started in a converted dairy barn in
        2016, will triple its production and hire 18 people after buying a vacant warehouse in
        Fenwick's industrial park, owners said Wednesday.

        Co-founders Matteo Rinaldi and Sophie Gauthier said the $4.1 million expansion would let the
        brewery increase output from about 3,000 hectolitres a year to more than 9,000 and start
        canning its beer instead of relying on a mobile canning truck.

        "We've been turning down orders from stores in Kestrel City for two years because we simply
        couldn't make enough," Gauthier said. "The barn will always be home, but it's full."

        The original taproom in Ridgeford will stay open and continue to brew small experimental
        batches. The Fenwick site will include a second taproom and a small food kitchen when it
        opens next autumn.

        The expansion received a $250,000 loan from the Alder Valley Community Futures fund, which
        supports rural businesses.
        """,
    ),
    story(
        "vc-pastry-chef", SITE, "2026-11-09 16:40", "Rosa Imbert",
        "Café Rosé’s José Marchand named provincial pastry chef of the year",
        """
        José Marchand, the pastry chef behind Fenwick’s Café Rosé, was named Norland’s pastry chef
        of the year on Monday at the provincial culinary awards in Northgate, beating finalists from
        much larger restaurants in Kestrel City and Harborton.

        The judges singled out his “pommes à la crème brûlée,” a caramelized apple tart served with
        a cider sabayon, and a hazelnut praliné éclair that Marchand has sold at the café since it
        opened in 2021.

        “I grew up eating apples from the orchards on Cutler Road, so it’s a very personal
        dessert,” Marchand said. “The crème brûlée part is just me showing off.”

        Café Rosé, which seats 28 people in a former hardware store on Main Street, already draws
        weekend crowds from across the valley. Co-owner Renée Tremblay said the café would extend
        its hours on Saturdays and add a second baker before the holidays.

        The award comes with a $5,000 prize, which Marchand said he would use to take his two
        apprentices to a pastry course in Sainte-Aurélie — their first trip outside Norland.
        """,
        kind="wrong_charset",
    ),
    story(
        "vc-teachers-deal", SITE, "2026-10-25 11:20", "Clara Wendell",
        "Alder Valley teachers reach deal hours before strike deadline",
        """
        Classes will go ahead as usual on Monday in the Alder Valley School District after teachers
        and trustees reached a tentative agreement at about 2 a.m. Sunday, less than 30 hours before
        1,140 teachers were set to walk off the job.

        The three-year deal gives teachers raises totalling 9 percent, caps most elementary classes
        at 24 students and adds 15 full-time education assistant positions, according to a summary
        released by the Alder Valley Teachers' Association.

        "Nobody wanted to see classrooms empty on Monday morning," association president Dolores
        Quint said outside the district office in Fenwick, where bargaining had gone on for 19
        hours. "We got there, but it was closer than anyone would like."

        Parents had been scrambling to arrange childcare. At Ridgeford Elementary, the parent
        council had organized a list of volunteers willing to watch children in their homes. "I had
        three kids on my couch lined up for Monday," said parent Jolene Farris. "I'm happy to cancel
        that."

        Teachers will vote on the agreement next week, and trustees will vote at their Nov. 4
        meeting. Superintendent Amir Castellane thanked both bargaining teams and said the district
        would update families by email Sunday evening.
        """,
        kind="independent", event="valley-teachers-deal",
    ),
    story(
        "vc-route9-millhaven", SITE, "2026-11-05 21:30", "Tomasz Brightwell",
        "Transit board backs Route 9 express despite Millhaven objections",
        """
        Millhaven's two members of the regional transit board voted against a new express bus on
        Thursday, arguing that the route would pull riders away from the town's transfer hub, but
        they were outvoted 7-2 and the project will go ahead.

        The Coastal and Valley Regional Transit Authority's plan calls for $14.2 million to launch
        Route 9, an express service connecting Fenwick and Harborton through 11 stops. Service is
        expected to begin in March 2027.

        Board chair Helena Broadwater defended the decision. "This is the single biggest improvement
        to regional service in a generation," she said, adding that local routes in Millhaven would
        not be cut to pay for it.

        Millhaven deputy mayor Fiona Garrity was not convinced. "Our small businesses near the
        transfer station depend on people changing buses there," she said. "Now those people will
        ride right past us." She asked the authority to add a Millhaven stop, a request staff said
        would add 12 minutes to each trip.

        For Fenwick residents who work at the shipyard or the hospital, the new route could cut
        commuting times almost in half. Valley Courier readers who responded to an online survey
        last month overwhelmingly supported the idea, with 81 percent in favour.
        """,
        kind="independent", event="route9-express",
    ),
    story(
        "vc-storm-cleanup", SITE, "2026-11-08 16:45", "Tomasz Brightwell",
        "Alder Valley cleans up after windstorm; thousands still in the dark",
        """
        Chainsaws were running on nearly every street in Fenwick on Sunday afternoon as residents
        cleared branches brought down by the overnight windstorm, which left thousands of homes
        across the Alder Valley without electricity.

        About 9,000 of the 38,000 outages reported by Northgate Power Corporation were in the
        valley, the utility said, with Ridgeford and the rural roads east of Millhaven among the
        hardest hit. "Crews will work around the clock until every customer is back online,"
        spokesperson Tobias Renn said in a statement, adding that repairs in the valley could take
        until Tuesday.

        At the Ridgeford community centre, volunteers opened a warming station with cots, coffee and
        charging stations for phones. Organizer Beth Arnault said about 70 people had come through
        by mid-afternoon, many of them older residents living alone.

        Fenwick fire chief Samuel Okonjo said his department answered 46 calls overnight, most
        involving trees on lines or on roofs. A barn on Cutler Road lost part of its roof, but no
        people or animals were hurt.

        The valley's weather station at the Fenwick airfield recorded a gust of 97 kilometres an
        hour, lower than the 110 kilometres an hour measured in Northgate, but enough to snap several
        old poplars along the river path. Town crews expect to reopen the path by Wednesday.
        """,
        kind="independent", event="storm-outages",
    ),
    story(
        "vc-snowplow-fleet", SITE, "2026-11-15 08:00", "Henrik Vale",
        "Ridgeford adds plows and drivers after last winter's complaints",
        """
        Ridgeford will add three new snowplows to its fleet this winter and hire seasonal drivers
        earlier than usual, after residents complained that some rural roads went unplowed for up
        to three days after last February's blizzard.

        Public works director Carmen Ebersole told council on Monday that the town had bought two
        used plows from Northgate and leased a third, bringing the fleet to 11 vehicles. Eight
        seasonal drivers will start training this week.

        "Last winter we had plows and no drivers, then drivers and broken plows," Ebersole said.
        "This year we are trying to have both at the same time."

        The town has also published a priority map showing which roads will be cleared first,
        starting with routes to the fire hall, schools and Alder Valley Hospital. Gravel roads in
        the eastern part of the township will be cleared within 24 hours of the end of a storm.

        The changes will add about $420,000 to the town's winter maintenance budget.
        """,
        held=True,
    ),
]

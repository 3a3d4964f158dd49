"""Stories whose page layout is the trap (``Story.layout``), one per publisher that has it.

* ``nw-ferry-terminal-table`` (``northern_wire``, ``table``): headline, byline and body in one
  table cell, paragraphs separated by ``<br>``: text extractors return the whole article as
  one long line that starts with the headline.
* ``hg-boatbuilders-feature`` (``harbor_gazette``, ``feature``): a long feature (~1,800 words)
  with four photos whose captions run 40-80 words and two pull quotes that repeat a
  sentence of the text.
* ``md-five-things`` (``metro_daily``, ``roundup``): "5 things to know today", prose under
  numbered ``<ol><li><h3>`` headings with links to earlier Metro Daily stories.

Body markup (``demo.model.BLOCK_PREFIXES``): ``## `` heading, ``[fig] `` caption, ``[pq] `` pull
quote, ``[text](@story-id)`` an in-text link.
"""

from demo.model import story

STORIES = [
    story(
        "nw-ferry-terminal-table", "northern_wire", "2026-11-11 10:05", "Odette Ferreira",
        "Province picks Brannock Point for new ferry terminal after two-year study",
        """
        The province will build its new island ferry terminal at Brannock Point, ending a two-year
        search that pitted three coastal towns against each other, Transportation Minister Caleb
        Oyelaran announced Wednesday.

        The $164 million terminal will replace the ageing dock at Salter's Cove, which has been
        closed 41 times since 2023 because of storm damage and mechanical failures. Construction is
        expected to start in the spring of 2028 and take about three years.

        "Brannock Point gives us deep water, shelter from the worst of the winter storms and a road
        that can be widened without moving anyone out of their home," Oyelaran said at a news
        conference in Northgate.

        The study ranked Brannock Point ahead of Gannet Bay and the existing Salter's Cove site on
        cost, sailing time and weather. Ferries from the new terminal will reach Skerrin Island in
        about 55 minutes, 10 minutes less than today.

        Salter's Cove Mayor Annika Thorsrud said the decision was a blow to her town, where about 70
        people work at the terminal or at businesses that depend on ferry traffic. "We will be
        asking the province for a transition plan, not a thank-you letter," she said.

        The province said staff at Salter's Cove would be offered jobs at the new terminal and that
        the old dock would stay open for freight until at least 2031.
        """,
        layout="table",
    ),
    story(
        "hg-boatbuilders-feature", "harbor_gazette", "2026-11-08 09:30", "Marisol Quenneville",
        "The last wooden boatbuilders of Tern Hollow",
        """
        On a grey Tuesday morning in Tern Hollow, the only sound in the long shed behind Agnes
        Pelletier's house is the hiss of a plane moving along a plank of white oak. Pelletier, who is
        71, works slowly and without a radio. Every few strokes she stops, runs her thumb along the
        edge of the wood and goes back to work. The plank will become part of the hull of a
        seven-metre lobster boat that a fisherman from Cape Road ordered two winters ago.

        "People think we are slow because we are old," she says. "We are slow because the boat has
        to last longer than we do."

        Pelletier and her younger brother, Rémi, are the last people in Harborton who still build
        wooden fishing boats for a living. A century ago there were at least nine boatyards along the
        shore of Tern Hollow, a sheltered inlet two kilometres east of the harbour. Their slipways
        are still visible at low tide, rows of blackened posts sticking out of the mud like the ribs
        of something very large that lay down there and never got up.

        [fig] Agnes Pelletier planes a white oak plank in the shed behind her house in Tern Hollow on
        Nov. 3. The plank will become part of the hull of a seven-metre lobster boat ordered two
        winters ago by a Cape Road fisherman. Pelletier has built or repaired more than 140 boats
        since she started working in her father's yard at the age of 15.

        The family yard was started in 1919 by their grandfather, Théo Pelletier, a ship's carpenter
        who came to Harborton to work on the schooners that carried salt cod to the south. When the
        schooner trade collapsed in the 1930s, he started building small open boats for the men who
        fished the bay, and the yard has built or rebuilt boats for Harborton fishermen ever since.

        Agnes started working in the yard when she was 15, sweeping shavings and holding planks for
        her father. Rémi, four years younger, followed her. Neither of them ever seriously thought
        about doing anything else. "There was never a day when someone sat us down and asked us what
        we wanted to be," Rémi says. "The boats needed building, so we built them."

        The work has changed less than almost anything else in Harborton. The yard still uses the
        same steam box, a long wooden chest connected to an old boiler, to soften oak ribs so they
        can be bent into the curve of the hull. The moulds, the wooden patterns that give each boat
        its shape, hang from the rafters where their grandfather hung them. Some of them still carry
        his pencil marks.

        [pq] The boats needed building, so we built them.

        What has changed is almost everything around the shed. In the 1970s, fibreglass hulls began
        to replace wooden ones across the coast. They were cheaper to build, lighter, and needed
        almost no maintenance. One by one, the other yards in Tern Hollow closed. The last of them,
        the Dunmore yard at the mouth of the inlet, built its final boat in 1994 and was sold to a
        developer who turned the land into six summer houses.

        The Pelletiers survived by repairing the wooden boats that were still on the water and by
        building one or two new ones a year for a small group of fishermen who preferred the way a
        wooden hull moves in a heavy sea. "A fibreglass boat slaps," says Desmond Achebe-Rowe, who
        has fished lobster out of Harborton for 38 years and owns a boat the Pelletiers built in
        1989. "A wooden boat rolls with the water. At the end of a long day your back knows the
        difference."

        [fig] Rémi Pelletier, 67, checks the temperature of the steam box before bending an oak rib
        for a new hull. The box, a long wooden chest fed by a boiler his grandfather bought second
        hand in 1931, softens ribs enough to be bent by hand into the curve of the boat. It takes
        about an hour of steam for every inch of thickness.

        There are now only four wooden working boats left in the Harborton fleet, and all of them
        came out of the Pelletier shed. Their owners are not young. Achebe-Rowe is 61. The youngest
        of the four, a scallop fisherman named Ivy Castellanos, is 49 and says she will probably be
        the last person to fish the bay in a wooden boat.

        The boats themselves are not cheap. A new seven-metre boat from the Pelletier yard costs
        about $85,000, roughly twice the price of a comparable fibreglass hull. It takes the two of
        them about ten months to build one, working six days a week. Agnes does the planking and the
        finishing. Rémi, who has the stronger back, handles the ribs, the keel and the engine
        installation.

        Most of their income, in fact, comes from keeping old boats alive. Every spring the four
        wooden boats of the fleet are hauled up the Tern Hollow slipway on a cradle that runs on
        greased timbers, and the Pelletiers spend weeks replacing soft planks, re-caulking seams
        with cotton and oakum and painting the hulls. A wooden boat that is looked after, Rémi says,
        can fish for sixty years. One that is neglected can be ruined in five. "The sea is patient,"
        he says. "It waits for you to skip a year."

        They keep a ledger of every boat they have touched, written by hand in a row of school
        exercise books on a shelf above the workbench. The first entries are in their grandfather's
        handwriting. The most recent, from last month, records two new planks and a rudder repair on
        Achebe-Rowe's boat, at a cost of $3,400.

        Their order book is, in one sense, healthy. They have three boats on order, enough work to
        keep them busy until the end of 2028. But only one of the three is for a working fisherman.
        The other two are pleasure boats, ordered by summer residents who admired the shape of the
        old hulls while walking along the harbour.

        "I don't mind building a boat for someone who wants to go out on a Sunday and look at the
        seals," Agnes says. "But it is not the same as building a boat that goes to work. A working
        boat comes back with its stories."

        [pq] A working boat comes back with its stories.

        The question everybody in Tern Hollow asks, sooner or later, is what happens to the yard
        when the Pelletiers stop. Neither of them has children. Agnes says she has had offers from
        people who wanted to buy the land, which has a view of the whole inlet, but has turned all of
        them down. "The shed is not for sale. What would they do with it, put a hot tub in it?"

        For two years, the yard has had an apprentice. Kwame Lindqvist-Osei, 26, grew up in
        Kestrel City and worked as a furniture maker before he read a magazine article about
        traditional boatbuilding and drove to Harborton to ask if he could help. Agnes told him to
        come back in a week. He came back the next morning.

        [fig] Apprentice Kwame Lindqvist-Osei, 26, fits a plank to the ribs of a new lobster boat
        while Agnes Pelletier watches from the other side of the hull. Lindqvist-Osei worked as a
        furniture maker in Kestrel City before moving to Harborton two years ago. He now lives in a
        rented room above the bakery on Quay Street and drives to the yard every morning at seven.

        Lindqvist-Osei now works in the shed five days a week. The Harborton Maritime Heritage
        Society pays part of his wage through a small grant, and the Pelletiers pay the rest out of
        what they earn from repairs. He says he has learned more in two years than in the ten years
        he spent making tables and chairs. "In a workshop, if a joint is a little off, the table
        wobbles and you put a piece of cardboard under the leg," he says. "Here, if a joint is a
        little off, the sea finds it."

        He is not sure yet whether he will be able to keep the yard going on his own. The price of
        white oak has nearly doubled since 2020, and the kind of long, straight, knot-free planks a
        hull needs are harder to find every year. Insurance for a wooden boatyard is expensive, and
        the building itself needs a new roof. The society estimates that it would cost about $400,000
        to repair the shed, replace the boiler and set up the yard as a training centre.

        The city has shown some interest. Councillor Ivo Mendes, who represents the eastern wards,
        has asked city staff to look at whether the yard could be designated a heritage site, which
        would make it eligible for provincial restoration grants. A report is expected in the
        spring. "It would be a strange thing for a fishing town to let the last place that builds
        its boats close without even asking the question," Mendes says.

        Others are less sentimental. At a council meeting in September, one resident asked why the
        city should spend money on a business that builds two boats a year. The Pelletiers do not
        entirely disagree. "If nobody wants wooden boats, then nobody should be forced to pay for
        them," Rémi says. "But if people want them and there is no one left who knows how to build
        them, that is a different kind of problem."

        In the meantime, the work goes on. By early afternoon the oak plank is fastened to the ribs
        of the lobster boat with copper rivets, each one hammered flat over a small washer by Agnes
        on the outside of the hull while Lindqvist-Osei holds a heavy iron block against it on the
        inside. The rhythm is steady, almost musical: two taps, a pause, three taps, a pause.

        The boat is due to be launched in May, if the weather cooperates and the engine arrives on
        time. The fisherman who ordered it, a 58-year-old named Colm Hargreave, comes by most
        Saturdays to look at the progress. He has fished out of Harborton in a fibreglass boat for
        thirty years and says this will be the last boat he ever buys.

        "I wanted one wooden boat before I retire," he says. "My father had one. His father had one.
        I would like to know what they knew."

        [fig] The unfinished hull of Colm Hargreave's lobster boat in the Pelletier shed, seen from
        the loft where the family keeps its moulds. The boat is due to be launched from the Tern
        Hollow slipway in May. It will be the 143rd boat to leave the yard since Théo Pelletier built
        his first open dory there in 1921, and probably the last built for a full-time fisherman.

        When the light starts to go, around four, Agnes puts the plane back on its hook and sweeps
        the shavings into a pile by the door. Rémi banks the boiler. Lindqvist-Osei sweeps the
        floor around the hull one more time, although it is already clean. Then the three of them
        stand for a moment and look at the boat without saying anything, the way people look at a
        house they are building, trying to see it finished.

        "Every boat teaches you something," Agnes says as she locks the door. "This one is teaching
        me to be patient. I would have liked to learn that forty years ago."
        """,
        layout="feature",
    ),
    story(
        "md-five-things", "metro_daily", "2026-11-11 06:45", "Metro Daily staff",
        "5 things to know in Kestrel City today",
        """
        Good morning. A cold front moves in this afternoon, the food truck map is changing, and
        the art gallery is extending its hours for the Varenne show. Here is what you need to know
        before you head out on Wednesday.

        ## 1. Bring a coat, and maybe an umbrella

        Temperatures will fall from 11 degrees at noon to about 2 degrees by the evening rush,
        Environment Norland says, with showers turning to wet snow on higher ground north of the
        river. Crews from the city's road department will start salting bridges and overpasses at 3
        p.m. Drivers heading over the Ridley Hill bridge after dark should expect slippery patches
        and reduced speed limits.

        If your children walk to school, the school board reminds parents that buses will not be
        cancelled for wet snow alone, and that any closures will be announced on its website by
        6:30 a.m. Transit officials say [trains on the Blue Line](@md-blue-line-signals) will run normally.

        ## 2. The new food truck spots are on the map

        The city has published the map of the 40 new food truck locations approved last week, and
        operators can start booking them on Monday. Three of the busiest spots are outside the
        office towers on Larch Avenue. Our earlier story explains [how the new permits
        work](@md-food-trucks), including the 50-metre rule that keeps trucks away from restaurants
        serving similar food.

        ## 3. Bike lane work closes part of Ferrule Street

        Construction of the first protected bike lane section begins today on Ferrule Street between
        Union Square and the Eastbank bridge. One lane of traffic will be closed in each direction
        until mid-December, and the No. 14 bus will be detoured along Harrow Road. You can read
        [the full bike lane plan](@md-bike-lanes) and see which streets are next.

        ## 4. Libraries open later from next week

        Starting Monday, six branches of the Kestrel City Public Library will stay open until 9 p.m.
        on weeknights, two hours later than now. Staff say the evening hours are aimed at students
        and shift workers who could not use the branches before. The details are in [our story on
        the new library hours](@md-library-hours).

        The branches staying open later are Eastbank, Larkspur, Union Square, Harrow Road, Ridley
        Hill and the central library. Homework help will be available on Tuesday and Thursday
        evenings, and the central library will keep its study rooms open until closing time.

        ## 5. The Varenne show adds Thursday evenings

        The Kestrel City Art Gallery will open until 10 p.m. on Thursdays for the rest of the
        Odile Varenne exhibition after more than 31,000 visitors came in its first four days. Tickets
        for evening visits are $12 and go on sale at noon. If you have not been yet, here is [our
        review of the exhibition](@md-varenne-exhibit) and the story of how its curator tracked
        down paintings in farmhouses and a harbour pub.
        """,
        layout="roundup",
    ),
]

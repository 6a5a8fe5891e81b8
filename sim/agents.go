// ODD 2 Entities: clients, link-worker posts, practices, neighbourhoods and providers.

package sim

// Psychosocial needs (bit positions in client.needs).
const (
	needIncomeDebt = iota
	needHousing
	needIsolation
	needBereavement
	needAnxiety
	needLiteracy
	numNeeds
)

// Community-service types (index into neighbourhood.services).
const (
	svcExercise = iota
	svcSocialGroups
	svcWelfareRights
	svcHousing
	svcMentalHealth
	svcHealthyEating
	numServices
	svcNone = -1
)

// needService maps each need to the service that addresses it; literacy has
// none: only accompanied support (forms, letters) helps.
var needService = [numNeeds]int{
	needIncomeDebt:  svcWelfareRights,
	needHousing:     svcHousing,
	needIsolation:   svcSocialGroups,
	needBereavement: svcMentalHealth,
	needAnxiety:     svcMentalHealth,
	needLiteracy:    svcNone,
}

// Well-being Star areas.
const (
	areaLifestyle = iota
	areaLookingAfterYourself
	areaManagingSymptoms
	areaWorkActivities
	areaMoney
	areaWhereYouLive
	areaFamilyFriends
	areaFeelingPositive
	numAreas
)

// needAreas lists the Star areas each need depresses, with weights.
var needAreas = [numNeeds][numAreas]float32{
	needIncomeDebt:  {areaMoney: 1, areaFeelingPositive: 0.3},
	needHousing:     {areaWhereYouLive: 1, areaFeelingPositive: 0.3},
	needIsolation:   {areaFamilyFriends: 1, areaWorkActivities: 0.6},
	needBereavement: {areaFeelingPositive: 1, areaFamilyFriends: 0.5},
	needAnxiety:     {areaFeelingPositive: 0.8, areaLookingAfterYourself: 0.8, areaWorkActivities: 0.4},
	needLiteracy:    {areaMoney: 0.5, areaWorkActivities: 0.6},
}

// Complexity tiers.
const (
	tierSimple = iota
	tierMiddle
	tierComplex
	numTiers
)

// Client pathway states. Eligible residents are counts in the practice pool;
// candidates awaiting sign-off are counts in the practice queue; the states
// below are held by client agents. Departed clients (disengaged, discharged)
// are removed from the active slice after they are counted.
const (
	stWaiting    uint8 = iota // referred, no link worker with room yet
	stReferred                // assigned, awaiting the baseline reading
	stEngaged                 // baseline done, being supported
	stDisengaged              // left without completing (removed)
	stDischarged              // goals met or support ended (removed)
)

// Activities of link workers, coded by logic.
const (
	actOutreach = iota // choice
	actInitialAssessment
	actFollowUpAssessment
	actCoaching
	actSignposting
	actAccompanied // care
	actInformal
	actCommunityGroups
	numActs
)

const numChoiceActs = actAccompanied // activities before actAccompanied are choice

// actLogic is +1 for care activities and -1 for choice activities.
var actLogic = [numActs]float64{-1, -1, -1, -1, -1, +1, +1, +1}

// client is a referred person. The record is read and written every week,
// so it is kept small: week numbers are int16 (horizons are at most
// scenario.MaxWeeks, places and readings fall due at most a few hundred
// weeks later), what follows from other fields is derived (the cohort from
// the referral week, the Star-area penalties from the unmet needs), and
// what lasts only a week is a local of the weekly step. Field order keeps
// the struct compact.
type client struct {
	id         int32
	practice   int32
	worker     int32              // post index; -1 while waiting
	referred   int16              // week referred
	engaged    int16              // week engaged (-1 before)
	nextDue    int16              // week the next follow-up is due
	changed    int16              // week of the last change of link worker (-1 none)
	linkUntil  [numServices]int16 // week each held place ends
	state      uint8
	tier       uint8
	needs      uint8 // unmet needs (bits)
	needs0     uint8 // needs at referral (bits), for the counterfactual rate
	conditions uint8 // number of long-term conditions
	depression bool
	transport  bool  // transport or mobility barrier
	digital    bool  // phone / digital access
	links      uint8 // services at which the client holds a place (bits by service)
	lifestyle  uint8 // lifestyle services ever linked (bits by service)
	nAssess    uint8
	cx         uint8             // complexity score: unmet needs + 1 for depression or anxiety
	tot        float32           // true Star total (sum of star), kept in step with star
	star       [numAreas]float32 // true wellbeing per area
	star0      float32           // true total at engagement
	rec0       float32           // recorded baseline total
	recLast    float32           // latest recorded total
	trueAtLast float32           // true total at the latest reading
	sm         float32           // self-management of long-term conditions (0..1)
	sm0        float32           // self-management at referral (counterfactual)
	baseRate   float32           // secondary-care events per week without the intervention
}

// cohort is the quarterly referral cohort of the client.
func (c *client) cohort() int { return int(c.referred) / cohortWeeks }

// complexity is the client's current complexity score (cached in cx,
// which setPenalties keeps in step with needs).
func (c *client) complexity() int { return int(c.cx) }

// total is the true Star total (cached in tot).
func (c *client) total() float32 { return c.tot }

// sumStar recomputes the cached total from the areas.
func (c *client) sumStar() {
	var s float32
	for _, v := range c.star {
		s += v
	}
	c.tot = s
}

// worker is a link-worker post and its current holder.
//
// The fields the weekly client passes read for every client (allocation's
// tally, then the client step) come first, so that a client's visit to its
// worker touches as few cache lines as possible; the rest follow.
type worker struct {
	// Read for every client, every week.
	provider     int32
	inPost       bool
	room         bool    // face-to-face possible at the practices served (majority)
	caseload     int     // active clients (waiting excluded)
	initCredit   float64 // initial readings that can still be done this week
	fuCredit     float64 // follow-up readings that can still be done this week
	signpostProb float64 // chance a linkable client is signposted this week
	// Pass-1 aggregates over the caseload (tally).
	nAwaiting, nDue, nEngaged, nLinkable int
	careNeed, careNeedW                  float64
	duePrice                             float64
	complexitySum                        float64
	needSum                              float64 // unmet needs over engaged clients

	id          int32   // holder id (new id on each hire)
	practices   []int32 // practices served
	vacantUntil int     // week the vacancy is filled
	orientation float64 // 0 choice .. 1 care
	distress    float64
	enacted     float64 // smoothed enacted care share
	preferred   float64 // smoothed care share the worker would choose unpressed
	hiredWeek   int
	leftWeek    int   // week the last holder left
	moveTo      int32 // this week: where a leaver's caseload goes (-1 none)
	refilled    bool  // this week: the vacancy was filled
	promised    int   // this week: clients to arrive from leavers
	adminShare  float64
	// Weekly allocation (hours), and per-client rates derived from it.
	hours       [numActs]float64
	admin       float64
	careRate    float64 // accompanied hours per unit of weighted care need
	informalPer float64 // informal hours per engaged client
	coachPer    float64 // coaching hours per engaged client
	readings    float64 // readings done per week, smoothed over enacted_smoothing_weeks
	targetGap   float64 // this week: share of the provider's reading target not met, 0..1
}

// practice is a GP practice.
type practice struct {
	neighbourhood int
	provider      int
	listSize      float64
	pool0         float64 // initial eligible pool
	pool          float64 // eligible residents not yet referred or put forward
	engagement    float64 // propensity to refer, 0..1
	signOffDelay  int     // weeks
	signOffProb   float64
	room, it      bool
	posts         []int32
	queue         []int // outreach candidates due for sign-off, ring by week
}

// neighbourhood is an area with community services.
type neighbourhood struct {
	eligible0  float64
	places     [numServices]float64 // base places
	distanceKm [numServices]float64
	// reach[s][transport][accompanied] is exp(-distance/scale), the
	// distance factor of take-up at service s (tryLink; setReach).
	reach      [numServices][2][2]float64
	used       [numServices]int
	groupHours float64 // smoothed community-group hours of workers here
}

// provider is a provider organisation.
type provider struct {
	name          string
	culture       float64
	spread        float64
	posts         int
	postShare     float64
	costPerWorker float64 // GBP per in-post worker per week
	overheadWeek  float64 // GBP per post per week
	wageHour      float64 // GBP per contracted hour, at least minWageUnit: the unit of the money term
	reserves      float64
	owed          float64 // this week: what the SPV owes it, arrears included
	arrears       float64 // owed by the SPV and deferred (end of week)
	revSmooth     float64
	costSmooth    float64
	pressure      float64
	phases        []phase
	prices        Prices
	ev            Evidence
	// weekly tallies
	revenue, cost float64
	assessments   int
	quits         int
	target        float64 // break-even readings per worker per month (0 if no reading tariff)
	targetWeek    float64 // break-even readings per worker per week; +Inf if costs but no reading tariff
	// This week's creaming steepness, and cream[cx] = creamWeight(creamK,
	// cx) for each complexity score cx, for all its workers (beginTally).
	creamK float64
	cream  [numNeeds + 2]float64
	// Cross-cover allocation: the provider's posts, a round-robin cursor,
	// and whether it has no room left this week.
	postIdx []int32
	cursor  int
	full    bool
}

// Package scenario defines the typed scenario that drives a sibsim run and
// loads it from YAML with strict checking.
//
// Every parameter is a typed field whose name or comment carries its unit.
// Range checks are declared in `check` struct tags (see validate.go) so that
// adding a parameter never means editing the validator; cross-field rules
// live in the Check methods of the types that own them. docs/ODD.md lists every
// parameter with its unit, default and source.
package scenario

// Scenario is one complete, resolved configuration of the model.
type Scenario struct {
	Name        string `yaml:"name" check:"nonempty,text,name,maxlen=200"`
	Description string `yaml:"description" check:"nonempty,text,maxlen=2000"`
	// Extends names the scenario this one overrides: a file path (relative to
	// this file) or the name of a shipped scenario. Empty in a resolved scenario.
	Extends string `yaml:"extends,omitempty"`

	// Weeks is the default simulated horizon in weeks (one step = one week).
	Weeks int `yaml:"weeks" check:"min=1,max=2600"`

	Population     Population      `yaml:"population"`
	Neighbourhoods []Neighbourhood `yaml:"neighbourhoods" check:"nonempty,maxlen=1000"`
	Clients        Clients         `yaml:"clients"`
	Referrals      Referrals       `yaml:"referrals"`
	Allocation     Allocation      `yaml:"allocation"`
	Practice       Practice        `yaml:"practice"`
	Response       Response        `yaml:"response"`
	Linking        Linking         `yaml:"linking"`
	Wellbeing      Wellbeing       `yaml:"wellbeing"`
	Assessment     Assessment      `yaml:"assessment"`
	Health         Health          `yaml:"health"`
	Providers      []Provider      `yaml:"providers" check:"nonempty,maxlen=100"`
	Management     Management      `yaml:"management"`
	Workforce      Workforce       `yaml:"workforce"`
	Contract       Contract        `yaml:"contract"`
	Shocks         []Shock         `yaml:"shocks,omitempty" check:"maxlen=100"`
}

// Population describes the GP practices and their eligible pools. Eligible
// residents are counts, never agents: a person becomes an agent only when referred.
type Population struct {
	Practices int `yaml:"practices" check:"min=1,max=20000"`
	// ListSizeMean is the mean registered list size per practice (persons).
	ListSizeMean float64 `yaml:"list_size_mean" check:"min=100,max=1000000"`
	// ListSizeCV is the coefficient of variation of list size across practices.
	ListSizeCV float64 `yaml:"list_size_cv" check:"min=0,max=2"`
	// EligibleShare is the share of a practice list eligible for referral.
	EligibleShare float64 `yaml:"eligible_share" check:"prob"`
	// EligibleInflowPerYear replenishes the eligible pool, as a share of the
	// initial pool per year (new diagnoses, people ageing into the band).
	EligibleInflowPerYear float64 `yaml:"eligible_inflow_per_year" check:"min=0,max=1"`
	// RoomShare is the share of practices giving the link worker a room
	// (face-to-face appointments possible).
	RoomShare float64 `yaml:"room_share" check:"prob"`
	// ITAccessShare is the share of practices giving practice IT access.
	ITAccessShare float64 `yaml:"it_access_share" check:"prob"`
	// AgeMin and AgeMax bound client age in years.
	AgeMin int `yaml:"age_min" check:"min=0,max=120"`
	AgeMax int `yaml:"age_max" check:"min=0,max=120"`
}

// Neighbourhood is an area with a deprivation level and community services.
type Neighbourhood struct {
	Name string `yaml:"name" check:"nonempty,text,name,maxlen=200"`
	// PracticeShare is the share of practices located here; shares sum to 1.
	PracticeShare float64 `yaml:"practice_share" check:"prob"`
	// Deprivation in [0,1] raises the prevalence of psychosocial needs.
	Deprivation float64 `yaml:"deprivation" check:"prob"`
	// Services by type: capacity and distance.
	Services Services `yaml:"services"`
}

// Services lists the community-service types the brief names.
type Services struct {
	Exercise      Service `yaml:"exercise"`
	SocialGroups  Service `yaml:"social_groups"`
	WelfareRights Service `yaml:"welfare_rights"`
	Housing       Service `yaml:"housing"`
	MentalHealth  Service `yaml:"mental_health"`
	HealthyEating Service `yaml:"healthy_eating"`
}

// Service is one community-service type in one neighbourhood.
type Service struct {
	// PlacesPer1000Eligible is the number of concurrent places open to
	// social-prescribing clients, per 1,000 eligible residents of the area.
	PlacesPer1000Eligible float64 `yaml:"places_per_1000_eligible" check:"min=0,max=1000"`
	// DistanceKm is the typical travel distance from home to the service.
	DistanceKm float64 `yaml:"distance_km" check:"min=0,max=200"`
}

// Clients sets the attributes drawn for a person when referred.
type Clients struct {
	// NeedPrevalence is the probability of each psychosocial need at median
	// deprivation (0.5); DeprivationNeedGradient scales it up or down.
	NeedPrevalence NeedShares `yaml:"need_prevalence"`
	// DeprivationNeedGradient: prevalence multiplier = 1 + gradient*(deprivation-0.5).
	DeprivationNeedGradient float64 `yaml:"deprivation_need_gradient" check:"min=0,max=4"`
	// ConditionPrevalence is the probability of each long-term condition.
	ConditionPrevalence ConditionShares `yaml:"condition_prevalence"`
	// DepressionAnxietyShare is the share with comorbid depression or anxiety.
	DepressionAnxietyShare float64 `yaml:"depression_anxiety_share" check:"prob"`
	TransportBarrierShare  float64 `yaml:"transport_barrier_share" check:"prob"`
	DigitalAccessShare     float64 `yaml:"digital_access_share" check:"prob"`
	// ComplexThreshold is the complexity score (needs + 1 for depression or
	// anxiety) at or above which a client is in the complex tier.
	ComplexThreshold int `yaml:"complex_threshold" check:"min=1,max=7"`
	// SimpleMax is the complexity score at or below which a client is in the
	// simple tier; scores in between are the middle tier.
	SimpleMax int `yaml:"simple_max" check:"min=0,max=7"`
}

// NeedShares holds one probability per psychosocial need.
type NeedShares struct {
	IncomeDebt  float64 `yaml:"income_debt" check:"prob"`
	Housing     float64 `yaml:"housing" check:"prob"`
	Isolation   float64 `yaml:"isolation" check:"prob"`
	Bereavement float64 `yaml:"bereavement" check:"prob"`
	Anxiety     float64 `yaml:"anxiety_low_confidence" check:"prob"`
	Literacy    float64 `yaml:"literacy" check:"prob"`
}

// ConditionShares holds one probability per listed long-term condition.
type ConditionShares struct {
	COPDAsthma   float64 `yaml:"copd_asthma" check:"prob"`
	Diabetes     float64 `yaml:"diabetes" check:"prob"`
	HeartDisease float64 `yaml:"heart_disease" check:"prob"`
	Epilepsy     float64 `yaml:"epilepsy" check:"prob"`
	Osteoporosis float64 `yaml:"osteoporosis" check:"prob"`
}

// Referrals covers GP referral, link-worker outreach and GP sign-off.
type Referrals struct {
	// GPMaxPerPracticeWeek is the weekly referral rate of a fully engaged
	// practice with a full eligible pool (referrals per practice per week).
	GPMaxPerPracticeWeek float64 `yaml:"gp_max_per_practice_week" check:"min=0,max=1000"`
	// GPEngagementMean and GPEngagementSD give the Beta distribution of
	// practice engagement (propensity to refer) in [0,1].
	GPEngagementMean float64 `yaml:"gp_engagement_mean" check:"prob"`
	GPEngagementSD   float64 `yaml:"gp_engagement_sd" check:"min=0,max=0.5"`
	// OutreachCandidatesPerHour is how many eligible people agree to be put
	// forward per hour of outreach calling, with a full pool.
	OutreachCandidatesPerHour float64 `yaml:"outreach_candidates_per_hour" check:"min=0,max=100"`
	// SignOffDelayWeeksMean is the mean GP sign-off delay for link-worker
	// generated referrals; each practice draws its own delay.
	SignOffDelayWeeksMean float64 `yaml:"signoff_delay_weeks_mean" check:"min=0,max=52"`
	// SignOffProbLow and SignOffProbHigh: sign-off probability at engagement 0 and 1.
	SignOffProbLow  float64 `yaml:"signoff_prob_low" check:"prob"`
	SignOffProbHigh float64 `yaml:"signoff_prob_high" check:"prob"`
	// RefusalProb is the probability that a referred person declines at once.
	RefusalProb float64 `yaml:"refusal_prob" check:"prob"`
	// WaitDropoutPerWeek is the weekly hazard that a referred person waiting
	// for a first appointment drops out.
	WaitDropoutPerWeek float64 `yaml:"wait_dropout_per_week" check:"prob"`
}

// Allocation covers assignment of new clients to link workers.
type Allocation struct {
	// CaseloadMax is the active caseload at which a link worker takes no new clients.
	CaseloadMax int `yaml:"caseload_max" check:"min=1,max=1000"`
	// CaseloadTarget is the caseload a provider wants each worker to hold;
	// outreach is driven by the gap to it.
	CaseloadTarget int `yaml:"caseload_target" check:"min=1,max=1000"`
}

// Practice is the link worker's behaviour: time allocation across activities
// and across clients. See ODD section 7.4.
type Practice struct {
	// ContractedHoursPerWeek of a full-time link worker.
	ContractedHoursPerWeek float64 `yaml:"contracted_hours_per_week" check:"min=1,max=80"`
	// AdminShare is the share of hours spent on admin with practice IT access.
	AdminShare float64 `yaml:"admin_share" check:"prob"`
	// NoITAdminExtraShare is the extra admin share without practice IT access.
	NoITAdminExtraShare float64 `yaml:"no_it_admin_extra_share" check:"prob"`
	// TravelHoursPerVisitHour is travel time per hour of face-to-face accompanied support or home visit.
	TravelHoursPerVisitHour float64 `yaml:"travel_hours_per_visit_hour" check:"min=0,max=2"`
	// Hours per task.
	InitialAssessmentHours  float64 `yaml:"initial_assessment_hours" check:"min=0.1,max=10"`
	FollowUpAssessmentHours float64 `yaml:"followup_assessment_hours" check:"min=0.1,max=10"`
	// OutreachMaxHoursPerWeek caps a worker's outreach.
	OutreachMaxHoursPerWeek float64 `yaml:"outreach_max_hours_per_week" check:"min=0,max=40"`
	// Per-client weekly demand (hours per client per week) for each activity.
	// Care demand scales with the client's complexity score.
	CareHoursPerComplexityWeek float64 `yaml:"care_hours_per_complexity_week" check:"min=0,max=10"`
	InformalHoursPerClientWeek float64 `yaml:"informal_hours_per_client_week" check:"min=0,max=5"`
	CoachingHoursPerClientWeek float64 `yaml:"coaching_hours_per_client_week" check:"min=0,max=5"`
	// CommunityGroupMaxHoursPerWeek caps group-building time per worker.
	CommunityGroupMaxHoursPerWeek float64 `yaml:"community_group_max_hours_per_week" check:"min=0,max=40"`
	// Temperature of the softmax that splits discretionary hours (1/utility unit).
	Temperature float64 `yaml:"temperature" check:"min=0.01,max=100"`
	// OrientationWeight scales how much orientation (care vs choice) drives the split.
	OrientationWeight float64 `yaml:"orientation_weight" check:"min=0,max=20"`
	// OrganisationWeight is the weight of the provider's culture against the
	// worker's own orientation in the orientation the worker enacts.
	OrganisationWeight float64 `yaml:"organisation_weight" check:"prob"`
	// MoneyWeightBase and MoneyWeightPressure: utility per unit of marginal
	// revenue per hour (as a multiple of the hourly wage cost), at zero and
	// full managerial pressure.
	// The money term of an activity is λ × x/(x + MoneyHalfValue), x its
	// marginal revenue per hour as a multiple of the hourly wage cost, so it
	// is bounded by λ and still rises with price at any tariff.
	MoneyWeightBase     float64 `yaml:"money_weight_base" check:"min=0,max=20"`
	MoneyWeightPressure float64 `yaml:"money_weight_pressure" check:"min=0,max=20"`
	// MoneyHalfValue is the hourly revenue, in multiples of the hourly wage
	// cost, at which an activity's money term is half its bound λ.
	MoneyHalfValue float64 `yaml:"money_half_value" check:"min=0.1,max=1000"`
	// DutyWeight is the utility of contractually required tasks (due
	// assessments) independent of payment.
	DutyWeight float64 `yaml:"duty_weight" check:"min=0,max=20"`
	// TargetWeight is the utility, at full managerial pressure and a worker
	// wholly short of the provider's reading target, that targets add to
	// the counted activities (outreach, initial and follow-up readings).
	TargetWeight float64 `yaml:"target_weight" check:"min=0,max=20"`
	// CreamingStrength: under outcome prices, how strongly care hours are
	// steered to clients likely to improve (0 = purely need-led).
	CreamingStrength float64 `yaml:"creaming_strength" check:"min=0,max=10"`
	// ValueHorizonWeeks is the horizon over which providers value a new client.
	ValueHorizonWeeks float64 `yaml:"value_horizon_weeks" check:"min=1,max=520"`
}

// Response is how clients respond to the support they get.
type Response struct {
	// DisengageBasePerWeek is the weekly disengagement hazard of a client
	// whose support fits their needs.
	DisengageBasePerWeek float64 `yaml:"disengage_base_per_week" check:"prob"`
	// EarlyHazardMultiplier multiplies the hazard in the first EarlyWeeks
	// after engagement, before rapport is built.
	EarlyHazardMultiplier float64 `yaml:"early_hazard_multiplier" check:"min=1,max=50"`
	EarlyWeeks            int     `yaml:"early_weeks" check:"min=0,max=104"`
	// MisfitHazardPerComplexity raises the hazard per complexity point by
	// (1 - fit), where fit is care hours received over care hours needed.
	MisfitHazardPerComplexity float64 `yaml:"misfit_hazard_per_complexity" check:"min=0,max=50"`
	// NoContactHazardMultiplier multiplies the hazard in a week without contact.
	NoContactHazardMultiplier float64 `yaml:"no_contact_hazard_multiplier" check:"min=1,max=50"`
	// PhoneOnlyHazardPerComplexity adds to the hazard multiplier per
	// complexity point when all contact is by phone.
	PhoneOnlyHazardPerComplexity float64 `yaml:"phone_only_hazard_per_complexity" check:"min=0,max=10"`
	// ContinuityBreakLossPerComplexity is the chance a client is lost outright when
	// their link worker changes, per complexity point (capped at 1).
	ContinuityBreakLossPerComplexity float64 `yaml:"continuity_break_loss_per_complexity" check:"prob"`
	// ContinuityBreakHazardMultiplier and ContinuityBreakWeeks: raised hazard after a change.
	ContinuityBreakHazardMultiplier float64 `yaml:"continuity_break_hazard_multiplier" check:"min=1,max=50"`
	ContinuityBreakWeeks            int     `yaml:"continuity_break_weeks" check:"min=0,max=104"`
	// DischargeWhenMetPerWeek is the weekly discharge hazard once goals are met.
	DischargeWhenMetPerWeek float64 `yaml:"discharge_when_met_per_week" check:"prob"`
	// GoalsMetMinWeeks: goals cannot be met before this many weeks engaged.
	GoalsMetMinWeeks int `yaml:"goals_met_min_weeks" check:"min=0,max=520"`
	// MaxWeeksOnProgramme: support ends (discharge) after this long.
	MaxWeeksOnProgramme int `yaml:"max_weeks_on_programme" check:"min=1,max=520"`
}

// Linking is onward referral to community services.
type Linking struct {
	// HoursPerSignpost and HoursPerAccompany: worker hours one linking
	// attempt takes when signposted or accompanied.
	HoursPerSignpost  float64 `yaml:"hours_per_signpost" check:"min=0.05,max=10"`
	HoursPerAccompany float64 `yaml:"hours_per_accompany" check:"min=0.05,max=20"`
	// DistanceScaleKm: reach = exp(-distance/scale), scale halved with a transport barrier.
	DistanceScaleKm float64 `yaml:"distance_scale_km" check:"min=0.1,max=100"`
	// AccompanyDistanceRelief is the share of the distance penalty removed when accompanied.
	AccompanyDistanceRelief float64 `yaml:"accompany_distance_relief" check:"prob"`
	// AnxietyTakeUpPenalty: an anxious client takes up a signposted link
	// with probability reduced by this share; accompanied links are exempt.
	AnxietyTakeUpPenalty float64 `yaml:"anxiety_takeup_penalty" check:"prob"`
	// CommunityPlacesPerGroupHour: social-group places sustained per weekly
	// hour link workers spend building community groups in the area.
	CommunityPlacesPerGroupHour float64 `yaml:"community_places_per_group_hour" check:"min=0,max=100"`
	// GroupPlacesSmoothingWeeks: group places follow group-building hours
	// with this time constant (groups take time to form and to fade).
	GroupPlacesSmoothingWeeks float64 `yaml:"group_places_smoothing_weeks" check:"min=1,max=520"`
	// LinkWeeks is the longest a linked client holds a place; a place for a
	// need is released earlier when the need is resolved.
	LinkWeeks int `yaml:"link_weeks" check:"min=1,max=520"`
	// MaxLinks is how many places (at different services) a client may hold
	// at once.
	MaxLinks int `yaml:"max_links" check:"min=1,max=6"`
}

// Wellbeing sets the eight Well-being Star areas (scored 1 to 10).
type Wellbeing struct {
	// HealthyLevel is the area score with no unmet need.
	HealthyLevel float64 `yaml:"healthy_level" check:"min=1,max=10"`
	// NeedPenalty lowers the affected areas' attainable score per unmet need.
	NeedPenalty float64 `yaml:"need_penalty" check:"min=0,max=9"`
	// ConditionPenalty lowers the health areas per long-term condition,
	// scaled by (1 - self-management).
	ConditionPenalty float64 `yaml:"condition_penalty" check:"min=0,max=9"`
	// BaselineNoiseSD: person-level noise around the attainable score at referral.
	BaselineNoiseSD float64 `yaml:"baseline_noise_sd" check:"min=0,max=5"`
	// AdjustPerWeek: share of the gap to the attainable score closed per week.
	AdjustPerWeek float64 `yaml:"adjust_per_week" check:"prob"`
	// SupportLiftPerCareHour and SupportLiftPerCoachingHour: attainable-score
	// lift on the emotional areas per weekly hour of support while engaged;
	// the coaching lift is divided by (1 + complexity).
	SupportLiftPerCareHour     float64 `yaml:"support_lift_per_care_hour" check:"min=0,max=5"`
	SupportLiftPerCoachingHour float64 `yaml:"support_lift_per_coaching_hour" check:"min=0,max=5"`
	// NeedResolvePerCareHour: weekly hazard of resolving one unmet need per
	// hour of accompanied support. NeedResolveLinkedPerWeek: hazard while
	// linked to a matching service. NeedResolveNaturalPerWeek: background.
	NeedResolvePerCareHour    float64 `yaml:"need_resolve_per_care_hour" check:"prob"`
	NeedResolveLinkedPerWeek  float64 `yaml:"need_resolve_linked_per_week" check:"prob"`
	NeedResolveNaturalPerWeek float64 `yaml:"need_resolve_natural_per_week" check:"prob"`
	// SelfManagementPerCoachingHour and SelfManagementLinkedPerWeek raise
	// self-management (0..1) of long-term conditions per week.
	SelfManagementPerCoachingHour float64 `yaml:"self_management_per_coaching_hour" check:"prob"`
	SelfManagementLinkedPerWeek   float64 `yaml:"self_management_linked_per_week" check:"prob"`
	// BaselineSelfManagement is the mean self-management at referral (person-level SD 0.1).
	BaselineSelfManagement float64 `yaml:"baseline_self_management" check:"prob"`
}

// Assessment covers the Well-being Star readings that drive payment.
type Assessment struct {
	// FollowUpEveryWeeks is the schedule of follow-up readings.
	FollowUpEveryWeeks int `yaml:"followup_every_weeks" check:"min=1,max=260"`
	// MeasurementNoiseSD is the SD of the recorded total around the true total (points).
	MeasurementNoiseSD float64 `yaml:"measurement_noise_sd" check:"min=0,max=20"`
	// GamingBiasPoints is the upward bias of follow-up readings at full
	// managerial pressure (0 switches gaming off).
	GamingBiasPoints float64 `yaml:"gaming_bias_points" check:"min=0,max=40"`
	// OverdueGraceWeeks: a follow-up not done this long after it is due is skipped.
	OverdueGraceWeeks int `yaml:"overdue_grace_weeks" check:"min=0,max=52"`
}

// Health covers secondary-care use and its cost.
type Health struct {
	// BaseEventsPerYear is the secondary-care event rate of a client with one
	// condition and baseline self-management; ExtraPerCondition adds per further condition.
	BaseEventsPerYear        float64 `yaml:"base_events_per_year" check:"min=0,max=52"`
	ExtraEventsPerCondition  float64 `yaml:"extra_events_per_condition" check:"min=0,max=52"`
	DepressionRateMultiplier float64 `yaml:"depression_rate_multiplier" check:"min=0,max=10"`
	// RateGrowthPerDecade multiplies the event rate per decade of age above 57
	// (the middle of the Ways to Wellness age band); below it, divides.
	RateGrowthPerDecade float64 `yaml:"rate_growth_per_decade" check:"min=0.5,max=3"`
	// SelfManagementEffect: relative rate reduction at full self-management.
	SelfManagementEffect float64 `yaml:"self_management_effect" check:"prob"`
	// WellbeingEffectPerPoint: relative rate change per Star point above baseline.
	WellbeingEffectPerPoint float64 `yaml:"wellbeing_effect_per_point" check:"min=0,max=0.2"`
	// UnmetNeedRateEffect: relative rate increase per unmet psychosocial need
	// other than anxiety/low confidence (income/debt, housing, isolation,
	// bereavement, literacy); the rate carries 1 + this x the count.
	UnmetNeedRateEffect float64 `yaml:"unmet_need_rate_effect" check:"min=0,max=2"`
	// AnxietyRateEffect: relative rate increase while anxiety/low confidence
	// is unmet.
	AnxietyRateEffect float64 `yaml:"anxiety_rate_effect" check:"min=0,max=2"`
	// Event mix (shares sum to 1) and unit costs in GBP.
	AdmissionShare    float64 `yaml:"admission_share" check:"prob"`
	AEShare           float64 `yaml:"ae_share" check:"prob"`
	OutpatientShare   float64 `yaml:"outpatient_share" check:"prob"`
	AdmissionCostGBP  float64 `yaml:"admission_cost_gbp" check:"min=0,max=1e12"`
	AECostGBP         float64 `yaml:"ae_cost_gbp" check:"min=0,max=1e12"`
	OutpatientCostGBP float64 `yaml:"outpatient_cost_gbp" check:"min=0,max=1e12"`
	// TrackWeeks: secondary care is counted for this many weeks from referral.
	TrackWeeks int `yaml:"track_weeks" check:"min=1,max=520"`
}

// Provider is an organisation employing link workers.
type Provider struct {
	Name string `yaml:"name" check:"nonempty,text,name,maxlen=200"`
	// Culture is the organisation's own orientation: 0 = choice (behaviour
	// change), 1 = care (community development).
	Culture float64 `yaml:"culture" check:"prob"`
	// CultureSpread is the SD of new hires' orientation around the culture.
	CultureSpread float64 `yaml:"culture_spread" check:"min=0,max=0.5"`
	// LinkWorkers is the number of funded full-time posts.
	LinkWorkers int `yaml:"link_workers" check:"min=0,max=100000"`
	// PracticeShare is the share of practices this provider serves; shares sum to 1.
	PracticeShare float64 `yaml:"practice_share" check:"prob"`
	// SalaryGBP is the annual salary per post; OnCostShare adds employer costs;
	// OverheadGBPPerPostYear adds premises, management and IT.
	SalaryGBP              float64 `yaml:"salary_gbp" check:"min=0,max=1e12"`
	OnCostShare            float64 `yaml:"on_cost_share" check:"min=0,max=2"`
	OverheadGBPPerPostYear float64 `yaml:"overhead_gbp_per_post_year" check:"min=0,max=1e12"`
	// ReservesGBP is the provider's opening reserves.
	ReservesGBP float64 `yaml:"reserves_gbp" check:"min=0,max=1e12"`
}

// Management is how providers respond to their finances.
type Management struct {
	// PressureAdjustWeeks: time constant of pressure moving to its target.
	PressureAdjustWeeks float64 `yaml:"pressure_adjust_weeks" check:"min=1,max=520"`
	// PressureSteepness and PressureMidpoint: pressure target =
	// logistic(steepness*(shortfall - midpoint)), shortfall = (cost - revenue)/cost
	// over the smoothing window, less reserves cover.
	PressureSteepness float64 `yaml:"pressure_steepness" check:"min=0,max=200"`
	PressureMidpoint  float64 `yaml:"pressure_midpoint" check:"min=-1,max=1"`
	// ReserveCoverWeight: how much reserves (in years of cost) relieve shortfall.
	ReserveCoverWeight float64 `yaml:"reserve_cover_weight" check:"min=0,max=10"`
	// FinanceSmoothingWeeks: window of the exponential average of revenue and cost.
	FinanceSmoothingWeeks float64 `yaml:"finance_smoothing_weeks" check:"min=1,max=520"`
	// TargetPressureGain: a provider's caseload target rises with pressure,
	// target = caseload_target + gain*pressure*(caseload_max - caseload_target).
	TargetPressureGain float64 `yaml:"target_pressure_gain" check:"prob"`
	// CultureDriftToPeerPerWeek: drift toward the culture (way of working)
	// of the best-paid provider per post, scaled by the relative revenue gap.
	CultureDriftToPeerPerWeek float64 `yaml:"culture_drift_to_peer_per_week" check:"prob"`
	// CultureDriftToPracticePerWeek: culture moves by this times the mean
	// (enacted - preferred care share) of its workers (organisational learning).
	CultureDriftToPracticePerWeek float64 `yaml:"culture_drift_to_practice_per_week" check:"prob"`
}

// Workforce covers distress, turnover, vacancies and socialisation.
type Workforce struct {
	// DistressGainPerWeek: distress rises by this times the gap between the
	// care share a worker would choose unpressed (own orientation, no money
	// term) and the care share they enact, when positive. Both are smoothed
	// over enacted_smoothing_weeks.
	DistressGainPerWeek float64 `yaml:"distress_gain_per_week" check:"prob"`
	// DistressRecoveryPerWeek: share of distress that fades each week.
	DistressRecoveryPerWeek float64 `yaml:"distress_recovery_per_week" check:"prob"`
	// QuitBasePerYear: annual leaving rate of a worker with no distress.
	QuitBasePerYear float64 `yaml:"quit_base_per_year" check:"prob"`
	// DistressOddsRatio: hazard ratio of leaving at distress 1 against 0.
	DistressOddsRatio float64 `yaml:"distress_odds_ratio" check:"min=1,max=50"`
	// VacancyWeeksMean: mean weeks a post stays vacant.
	VacancyWeeksMean float64 `yaml:"vacancy_weeks_mean" check:"min=0,max=104"`
	// SocialisationPerWeek: orientation moves by this times (enacted -
	// preferred care share): workers come to prefer what they do.
	SocialisationPerWeek float64 `yaml:"socialisation_per_week" check:"prob"`
	// EnactedSmoothingWeeks: averaging window of enacted care share.
	EnactedSmoothingWeeks float64 `yaml:"enacted_smoothing_weeks" check:"min=1,max=520"`
}

// Shock is an exogenous change over a window of weeks (a pandemic, cuts).
type Shock struct {
	Name      string `yaml:"name" check:"nonempty,text,name,maxlen=200"`
	StartWeek int    `yaml:"start_week" check:"min=0,max=2600"`
	EndWeek   int    `yaml:"end_week" check:"min=0,max=2600"`
	// RemoteOnly stops face-to-face contact and accompanied support.
	RemoteOnly bool `yaml:"remote_only,omitempty"`
	// ServiceCapacityFactor multiplies community-service places.
	ServiceCapacityFactor float64 `yaml:"service_capacity_factor" check:"min=0,max=10"`
	// GPReferralFactor multiplies GP referrals.
	GPReferralFactor float64 `yaml:"gp_referral_factor" check:"min=0,max=10"`
}

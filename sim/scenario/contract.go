package scenario

// Contract is the social impact bond: who pays whom, for what, and when.
//
// Outcome payers pay the special-purpose vehicle (SPV) under OutcomePayments;
// the SPV pays providers under ProviderPayments and draws the investor's
// working capital when its cash runs short.
type Contract struct {
	// ProviderPayments are phases of rules the SPV pays each provider under.
	ProviderPayments []Phase `yaml:"provider_payments" check:"maxlen=100"`
	// OutcomePayments are phases of rules the outcome payers pay the SPV under.
	OutcomePayments []Phase  `yaml:"outcome_payments" check:"maxlen=100"`
	Payers          []Payer  `yaml:"payers" check:"maxlen=100"`
	Investor        Investor `yaml:"investor"`
}

// Phase applies a set of rules from FromWeek (inclusive) to UntilWeek
// (exclusive; 0 means to the end of the run).
type Phase struct {
	FromWeek  int    `yaml:"from_week" check:"min=0,max=2600"`
	UntilWeek int    `yaml:"until_week,omitempty" check:"min=0,max=2600"`
	Rules     []Rule `yaml:"rules" check:"nonempty,maxlen=100"`
	// PayerShares, for outcome phases, splits each payment across payers by
	// name; shares sum to 1. Empty means equal shares.
	PayerShares map[string]float64 `yaml:"payer_shares,omitempty" check:"maxlen=100"`
}

// Rule is one funding rule. Exactly one of the rule fields is set; Weight
// scales its payments (for blends).
type Rule struct {
	// Weight multiplies every payment the rule makes (default 1 when absent).
	Weight *float64 `yaml:"weight,omitempty" check:"min=0,max=100"`

	BlockGrant           *BlockGrant           `yaml:"block_grant,omitempty"`
	Capitation           *Capitation           `yaml:"capitation,omitempty"`
	PerReferral          *PerReferral          `yaml:"per_referral,omitempty"`
	PerAssessment        *PerAssessment        `yaml:"per_assessment,omitempty"`
	Tranche              *Tranche              `yaml:"tranche,omitempty"`
	WellbeingOutcome     *WellbeingOutcome     `yaml:"wellbeing_outcome,omitempty"`
	SecondaryCareOutcome *SecondaryCareOutcome `yaml:"secondary_care_outcome,omitempty"`
}

// BlockGrant pays a fixed annual amount, in equal weekly instalments, split
// across providers by funded posts.
type BlockGrant struct {
	GBPPerYear float64 `yaml:"gbp_per_year" check:"min=0,max=1e12"`
}

// Capitation pays per active (engaged) client per month: each week the
// payee's engaged clients times GBPPerClientMonth times 12/52.
type Capitation struct {
	GBPPerClientMonth float64 `yaml:"gbp_per_client_month" check:"min=0,max=1e12"`
}

// PerReferral pays per accepted referral: a referred person who did not
// decline at once, paid to the provider serving their practice.
type PerReferral struct {
	GBPPerReferral float64 `yaml:"gbp_per_referral" check:"min=0,max=1e12"`
}

// PerAssessment pays per completed Well-being Star reading by sequence number.
type PerAssessment struct {
	// TariffsGBP[i] is paid for reading i+1; the last tariff applies to all later readings.
	TariffsGBP []float64 `yaml:"tariffs_gbp" check:"nonempty,maxlen=2600,min=0,max=1e12"`
	// MaxPerClient caps paid readings per client (0 = no cap).
	MaxPerClient int `yaml:"max_per_client" check:"min=0,max=2600"`
}

// Tranche pays a fixed amount every EveryWeeks weeks while the phase is in
// force, split across providers by funded posts.
type Tranche struct {
	AmountGBP  float64 `yaml:"amount_gbp" check:"min=0,max=1e12"`
	EveryWeeks int     `yaml:"every_weeks" check:"min=1,max=520"`
}

// WellbeingOutcome is the Ways to Wellness rule: for each batch of clients
// whose second reading falls in the payment period, pay PerClientGBP times
// the batch size times a fraction of the mean recorded Star gain: 0 at or
// below FloorPoints, 1 at or above FullPoints, and between them
// ((gain - floor)/(full - floor))^Curve (Curve 1, the default, is linear).
type WellbeingOutcome struct {
	PerClientGBP float64 `yaml:"per_client_gbp" check:"min=0,max=1e12"`
	FloorPoints  float64 `yaml:"floor_points" check:"min=-80,max=80"`
	FullPoints   float64 `yaml:"full_points" check:"min=-80,max=80"`
	// PeriodWeeks is how often batches are settled.
	PeriodWeeks int `yaml:"period_weeks" check:"min=1,max=520"`
	// Curve shapes the scale between floor and full (default 1, linear;
	// above 1 pays little until gains near the full point).
	Curve *float64 `yaml:"curve,omitempty" check:"min=0.1,max=10"`
}

// SecondaryCareOutcome pays, for each quarterly cohort of referrals once
// EvidenceWeeks have passed since the cohort closed, PerClientGBP times the
// number of its clients who engaged times min(1, reduction/TargetReduction),
// where reduction is 1 - actual/counterfactual secondary-care cost of the
// cohort counted over the first WindowWeeks after referral.
type SecondaryCareOutcome struct {
	PerClientGBP    float64 `yaml:"per_client_gbp" check:"min=0,max=1e12"`
	TargetReduction float64 `yaml:"target_reduction" check:"min=0.001,max=1"`
	EvidenceWeeks   int     `yaml:"evidence_weeks" check:"min=1,max=520"`
	// WindowWeeks is the measurement window from referral (default and
	// maximum: health.track_weeks), counted in whole 13-week quarters.
	WindowWeeks *int `yaml:"window_weeks,omitempty" check:"min=13,max=520"`
}

// Payer is an outcome payer with a cap on what it pays over the contract.
type Payer struct {
	Name   string  `yaml:"name" check:"nonempty,text,maxlen=200"`
	CapGBP float64 `yaml:"cap_gbp" check:"min=0,max=1e12"`
}

// Investor provides working capital to the SPV.
type Investor struct {
	// CapitalGBP is the committed working capital the SPV may draw.
	CapitalGBP float64 `yaml:"capital_gbp" check:"min=0,max=1e12"`
	// BufferGBP is the cash the SPV keeps before repaying the investor.
	BufferGBP float64 `yaml:"buffer_gbp" check:"min=0,max=1e12"`
	// MaxMultiple caps the investor's total receipts as a multiple of capital
	// drawn; what the SPV holds beyond that stays with the SPV.
	MaxMultiple float64 `yaml:"max_multiple" check:"min=1,max=10"`
	// ReturnShare is the share of SPV cash above the buffer paid to the
	// investor each quarter once capital is repaid.
	ReturnShare float64 `yaml:"return_share" check:"prob"`
}

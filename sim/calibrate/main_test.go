package calibrate_test

import "flag"

var spread = flag.Bool("spread", false, "run the slow checks of test tolerances over many seeds")

Route #1: 7
Cost: 17.25

Route #1: 1 0 2
Route #2: 
Route #3: 3 4 5 6 7
Cost: 15006
Optimal: True

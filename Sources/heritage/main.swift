import HeritageStore
print("x")

"""The grants API (/api/grants/…), in three routers: calls and applications, reviews, funding."""

from ninja import Router

from kafaat.grants.api.calls import router as calls_router
from kafaat.grants.api.funding import router as funding_router
from kafaat.grants.api.reviews import router as reviews_router

router = Router()
router.add_router("/", calls_router)
router.add_router("/", reviews_router)
router.add_router("/", funding_router)

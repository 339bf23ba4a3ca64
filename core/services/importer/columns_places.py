"""The exchange formats of the places inside a community: grids (网格), compounds (小区) and
checkpoints (卡点), each upserted by its district-chosen code."""

from __future__ import annotations

from core.services.importer.columns import Column, Format

_COMMUNITY_ALIASES = ("所在社区", "社区", "社区编码", "社区名称", "communitycode")
_GRID_ALIASES = ("网格", "网格编码", "所在网格", "gridcode")

GRIDS = (
    Column("code", "网格编码", "text", True, ("网格代码", "网格编号", "编码", "gridcode")),
    Column("name", "网格名称", "text", True, ("网格名", "名称")),
    Column("community", "所属社区", "community_ref", True, _COMMUNITY_ALIASES),
    Column("households", "户数", "int", aliases=("总户数", "住户数")),
    Column("population", "常住人口", "int", aliases=("人口", "常住人口数", "居民人数")),
    Column("grid_member", "网格员", "text", aliases=("网格员编号", "网格员工号", "gridmember")),
)

COMPOUNDS = (
    Column("code", "小区编码", "text", True, ("小区代码", "小区编号", "编码", "compoundcode")),
    Column("name", "小区名称", "text", True, ("小区", "小区名", "名称")),
    Column("community", "所属社区", "community_ref", True, _COMMUNITY_ALIASES),
    Column("kind", "类型", "compound_kind", aliases=("小区类型", "类别", "type")),
    Column("households", "户数", "int", aliases=("总户数", "住户数")),
    Column("buildings", "楼栋数", "int", aliases=("楼栋", "栋数", "楼栋数量")),
    Column("gates", "出入口数", "int", aliases=("出入口", "大门数", "出入口数量")),
    Column("grid", "所属网格", "text", aliases=_GRID_ALIASES),
    Column("lon", "经度", "float", aliases=("longitude", "lng", "x")),
    Column("lat", "纬度", "float", aliases=("latitude", "y")),
)

CHECKPOINTS = (
    Column("code", "卡点编码", "text", True, ("卡点代码", "卡点编号", "值守点编码", "编码", "checkpointcode")),
    Column("name", "卡点名称", "text", True, ("卡点", "值守点名称", "值守点", "名称")),
    Column("compound", "所属小区", "text", aliases=("小区", "小区编码", "所在小区", "compoundcode")),
    Column("community", "所属社区", "community_ref", aliases=_COMMUNITY_ALIASES),
    Column("grid", "所属网格", "text", aliases=_GRID_ALIASES),
    Column("shifts_per_day", "每日班次", "int", aliases=("班次", "每天班次", "班次数", "shifts")),
    Column("people_per_shift", "每班人数", "int", aliases=("每班人员", "每班值守人数", "people")),
    Column("active", "在用", "bool", aliases=("是否在用", "启用", "是否启用")),
    Column("lon", "经度", "float", aliases=("longitude", "lng", "x")),
    Column("lat", "纬度", "float", aliases=("latitude", "y")),
)

#: the bounds of a checkpoint's own roster figures (inclusive)
CHECKPOINT_RANGES: dict[str, tuple[int, int]] = {"shifts_per_day": (1, 6), "people_per_shift": (1, 20)}

PLACE_FORMATS: dict[str, Format] = {
    "grids": Format("grids", GRIDS, "code", (), frozenset({"name"})),
    "compounds": Format("compounds", COMPOUNDS, "code", (("lon", "lat"),), frozenset({"name"})),
    "checkpoints": Format("checkpoints", CHECKPOINTS, "code", (("lon", "lat"),), frozenset({"name"})),
}

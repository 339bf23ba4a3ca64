"""Texts of the reassignment errors (moves, undo, the suggested plan). People are named by staff code,
communities by community code: no names in the parameters."""

ZH = {
    "reassign.community_missing": "社区 {id} 不存在",
    "reassign.reason_missing": "请填写调配原因",
    "reassign.nobody_selected": "请至少选择一名人员",
    "reassign.person_twice": "同一人员在一次调配中只能出现一次",
    "reassign.shifts_choice": "排班处理方式“{choice}”无效：应为保留（keep）或释放（release）",
    "reassign.staff_missing": "人员不存在：{ids}",
    "reassign.target_missing": "目标社区 {id} 不存在",
    "reassign.moved_by_other": "人员 {staff} 刚被他人调动，已为您刷新，请重新选择",
    "reassign.changed_by_other": "人员 {staff} 的信息刚被他人修改，已为您刷新，请重新选择",
    "reassign.versions_missing": "调配请求缺少所选人员（编号 {ids}）当时的版本，无法确认其未被他人改动：请刷新后重新选择",
    "reassign.origin_drained": "社区 {communities} 的人员刚被他人调走，已为您刷新；当前再调出会造成缺口"
                               "（调出后分别缺 {shortfalls} 人），请重新选择",
    "reassign.origin_short": "调出将使社区 {communities} 出现缺口（调出后分别缺 {shortfalls} 人）；"
                             "如确需调配，请填写超缺口调配理由",
    "reassign.pinned": "人员 {staff} 不可调配：社区工作者和网格员固定在本社区",
    "reassign.not_movable": "人员 {staff} 未登记为可调配人员",
    "reassign.off_duty": "人员 {staff} 当前不在岗，不能调配",
    "reassign.already_there": "人员 {staff} 已在目标社区",
    "reassign.party_home_reason": "人员 {staff} 是在职党员，调离居住地社区须填写理由",
    "reassign.batch_missing": "调配批次 {batch} 不存在",
    "reassign.batch_undone": "调配批次 {batch} 已于 {when} 撤销",
    "reassign.moved_since": "此后人员 {staff} 又被调动过，不能撤销这一批；请先撤销之后的批次",
    "reassign.stale_row": "人员信息刚被他人修改，请刷新后重试",
}

EN = {
    "reassign.community_missing": "Community {id} does not exist",
    "reassign.reason_missing": "Give the reason for the move",
    "reassign.nobody_selected": "Choose at least one person",
    "reassign.person_twice": "A person can appear only once in one move",
    "reassign.shifts_choice": "Unknown way to handle the shifts \"{choice}\": keep or release",
    "reassign.staff_missing": "No such people: {ids}",
    "reassign.target_missing": "Destination community {id} does not exist",
    "reassign.moved_by_other": "Person {staff} was just moved by someone else; the view is refreshed, please choose again",
    "reassign.versions_missing": "The move does not say which version of the people selected (ids {ids}) was shown, so it cannot tell whether someone else changed them: refresh and select again",
    "reassign.changed_by_other": "Person {staff} was just changed by someone else; the view is refreshed, "
                                 "please choose again",
    "reassign.origin_drained": "People of community {communities} were just moved away by someone else; the view is "
                               "refreshed. Moving more now would leave it short (by {shortfalls}); please choose again",
    "reassign.origin_short": "The move would leave community {communities} short (by {shortfalls}); to go ahead, "
                             "give a reason for overriding the shortage",
    "reassign.pinned": "Person {staff} cannot be moved: community workers and grid members stay in their community",
    "reassign.not_movable": "Person {staff} is not registered as movable",
    "reassign.off_duty": "Person {staff} is off duty and cannot be moved",
    "reassign.already_there": "Person {staff} is already in the destination community",
    "reassign.party_home_reason": "Person {staff} is a party member: moving them away from their home community "
                                  "needs a reason",
    "reassign.batch_missing": "Move batch {batch} does not exist",
    "reassign.batch_undone": "Move batch {batch} was already undone at {when}",
    "reassign.moved_since": "Person {staff} was moved again since; this batch cannot be undone before the later ones",
    "reassign.stale_row": "Someone else just changed these people; refresh and try again",
}
